@OQ @URS-005
Feature: Duplicates are idempotent
  At-least-once delivery and store-and-forward mean the same data can arrive twice. The second
  arrival is refused as duplicate (and quarantined for the record); there is never a second
  completion record.

  Background:
    Given the adapter "bridge" is started
    And the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-01  | Press 1     | Stamping |
    And the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
    And the table "job_orders" on "mes" contains:
      | order_id | operation | part_number | revision | batch         | equipment_id | status  | planned_quantity |
      | WO-1001  | OP-20     | P-100       | C        | LOT-2024-0042 | WC-PRESS-01  | running | 500              |
    And I send a "load_master_data" request to "bridge"
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    And the request succeeds

  Scenario: Different serials are different records
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0002"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request succeeds
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial FROM production_events ORDER BY id" on "mes" returns:
      | serial  |
      | SN-0001 |
      | SN-0002 |

  Scenario: A message delivered twice is recorded once
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "duplicate"
    And the response field "details.layer" equals "sequence"
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial FROM production_events" on "mes" returns:
      | serial  |
      | SN-0001 |
    And the query "SELECT reason_code FROM quarantine" on "mes" returns:
      | reason_code |
      | duplicate   |

  Scenario: A completion sent again with a new seq while still in the reorder buffer is recorded once
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "duplicate"
    And the response field "details" equals {"layer": "record", "pending": true}
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 1       |

  Scenario: A completion sent again after it was recorded is recorded once
    Given I send a "flush" request to "bridge"
    And the response field "count" equals 1
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "reject"}]}}
      """
    Then the request is rejected with reason "duplicate"
    And the response field "details" equals {"layer": "record", "record_id": 1}
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial, result FROM production_events" on "mes" returns:
      | serial  | result |
      | SN-0001 | good   |
