@OQ @URS-002
Feature: Equipment is resolved only through governed master data
  The MES owns the equipment mapping (PLC/edge device id <-> MES work center <-> maintenance
  asset). The bridge loads it on request, refuses a table with duplicate, conflicting or
  incomplete rows, and places a device's data only through a validated mapping.

  Background:
    Given the adapter "bridge" is started
    And the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-01  | Press 1     | Stamping |
      | WC-PRESS-02  | Press 2     | Stamping |
    And the table "job_orders" on "mes" contains:
      | order_id | operation | part_number | revision | batch         | equipment_id | status  | planned_quantity |
      | WO-1001  | OP-20     | P-100       | C        | LOT-2024-0042 | WC-PRESS-01  | running | 500              |

  Scenario: A mapped device's data is placed on its work center and asset
    Given the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
      | Line1/edge1/press2 | WC-PRESS-02 | AS-4712  |
    When I send a "load_master_data" request to "bridge"
    Then the request succeeds
    And the response field "rows" equals 2
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request succeeds
    And the response field "work_center" equals "WC-PRESS-01"
    When I send a "flush" request to "bridge"
    Then the query "SELECT device_id, equipment_id, asset_id FROM production_events" on "mes" returns:
      | device_id          | equipment_id | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01  | AS-4711  |

  Scenario: Data from a device missing from the mapping is quarantined as unmapped_equipment
    Given the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
    And I send a "load_master_data" request to "bridge"
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press9", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "unmapped_equipment"
    And the response field "details.device_id" equals "Line1/edge1/press9"
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 0       |
    And the query "SELECT reason_code, device_id FROM quarantine" on "mes" returns:
      | reason_code        | device_id          |
      | unmapped_equipment | Line1/edge1/press9 |

  Scenario: Data before any master data is loaded is refused
    Given the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 61.5}]}}
      """
    Then the request is rejected with reason "master_data_not_loaded"

  Scenario Outline: A mapping with <problem> is refused at load
    Given the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
      | <device>           | <center>    | <asset>  |
    When I send a "load_master_data" request to "bridge"
    Then the request is rejected with reason "<code>"
    And the response field "details.problems[0].row" equals 2
    When I send a "config" request to "bridge"
    Then the response field "master_data.loaded" equals false
    And the query "SELECT level, event FROM bridge_log WHERE event LIKE 'master_data%'" on "mes" returns:
      | level | event               |
      | error | master_data_refused |

    Examples:
      | problem                               | device             | center      | asset   | code              |
      | a duplicate row                       | Line1/edge1/press1 | WC-PRESS-01 | AS-4711 | mapping_duplicate |
      | one device mapped to two work centers | Line1/edge1/press1 | WC-PRESS-02 | AS-4711 | mapping_conflict  |
      | one device mapped to two assets       | Line1/edge1/press1 | WC-PRESS-01 | AS-9999 | mapping_conflict  |
      | one work center fed by two devices    | Line1/edge1/press9 | WC-PRESS-01 | AS-4799 | mapping_conflict  |
      | one asset fed by two devices          | Line1/edge1/press9 | WC-PRESS-02 | AS-4711 | mapping_conflict  |
      | a work center unknown to the MES      | Line1/edge1/press9 | WC-PRESS-99 | AS-4799 | mapping_invalid   |
      | a row without asset                   | Line1/edge1/press9 | WC-PRESS-02 | null    | mapping_invalid   |
      | a row without device id               | ""                 | WC-PRESS-02 | AS-4712 | mapping_invalid   |

  Scenario: A refused reload leaves the approved mapping in force
    Given the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
    And I send a "load_master_data" request to "bridge"
    And the request succeeds
    And I remember the response field "digest" as "approved_digest"
    And the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-02 | AS-4711  |
    When I send a "load_master_data" request to "bridge"
    Then the request is rejected with reason "mapping_conflict"
    When I send a "config" request to "bridge"
    Then the response field "master_data.digest" equals "${approved_digest}"
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 61.5}]}}
      """
    Then the request succeeds
    And the response field "work_center" equals "WC-PRESS-01"
