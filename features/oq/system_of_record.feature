@OQ @URS-003
Feature: The MES stays the system of record for job orders
  The bridge reads job orders, never writes them. A device that says an order is complete
  produces an event for the MES to act on; the order's status stays what the MES says it is.
  Production data is accepted only for an order the MES has running on the device's work center.

  Background:
    Given the adapter "bridge" is started
    And the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-01  | Press 1     | Stamping |
      | WC-PRESS-02  | Press 2     | Stamping |
    And the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
    And the table "job_orders" on "mes" contains:
      | order_id | operation | part_number | revision | batch         | equipment_id | status    | planned_quantity |
      | WO-1001  | OP-20     | P-100       | C        | LOT-2024-0042 | WC-PRESS-01  | running   | 500              |
      | WO-1101  | OP-20     | P-100       | C        | LOT-2024-0043 | WC-PRESS-01  | planned   | 500              |
      | WO-1102  | OP-20     | P-100       | C        | LOT-2024-0044 | WC-PRESS-01  | held      | 500              |
      | WO-1103  | OP-20     | P-100       | C        | LOT-2024-0045 | WC-PRESS-01  | completed | 500              |
      | WO-1104  | OP-20     | P-100       | C        | LOT-2024-0046 | WC-PRESS-02  | running   | 500              |
    And I send a "load_master_data" request to "bridge"
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And the request succeeds

  Scenario: A device claiming an order is complete produces an event for the MES, not a status change
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532060000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Order/Complete", "value": true}]}}
      """
    Then the request succeeds
    And the response field "events[0].kind" equals "order_complete"
    When I send a "flush" request to "bridge"
    Then the query "SELECT order_id, event_type, equipment_id, source_time FROM order_events" on "mes" returns:
      | order_id | event_type          | equipment_id | source_time              |
      | WO-1001  | completion_reported | WC-PRESS-01  | 2024-03-04T06:01:00.000Z |
    And the query "SELECT order_id, status FROM job_orders ORDER BY order_id" on "mes" returns:
      | order_id | status    |
      | WO-1001  | running   |
      | WO-1101  | planned   |
      | WO-1102  | held      |
      | WO-1103  | completed |
      | WO-1104  | running   |

  Scenario: Completions for the running order are recorded and the order is left untouched
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request succeeds
    When I send a "flush" request to "bridge"
    Then the query "SELECT order_id, serial FROM production_events" on "mes" returns:
      | order_id | serial  |
      | WO-1001  | SN-0001 |
    And the query "SELECT order_id, operation, part_number, revision, batch, equipment_id, status, planned_quantity FROM job_orders WHERE order_id = 'WO-1001'" on "mes" returns:
      | order_id | operation | part_number | revision | batch         | equipment_id | status  | planned_quantity |
      | WO-1001  | OP-20     | P-100       | C        | LOT-2024-0042 | WC-PRESS-01  | running | 500              |

  Scenario Outline: A completion for an order that is <status> is refused
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "<order>"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "order_not_active"
    And the response field "details" equals {"order_id": "<order>", "status": "<status>"}
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 0       |
    And the query "SELECT reason_code FROM quarantine" on "mes" returns:
      | reason_code      |
      | order_not_active |

    Examples:
      | order   | status    |
      | WO-1101 | planned   |
      | WO-1102 | held      |
      | WO-1103 | completed |

  Scenario: A completion claim for an order that is no longer running is refused
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532060000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1103"}, {"name": "Order/Complete", "value": true}]}}
      """
    Then the request is rejected with reason "order_not_active"
    When I send a "flush" request to "bridge"
    Then the query "SELECT id FROM order_events" on "mes" returns no rows

  Scenario: Data for an order the MES does not know is refused
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-9999"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "unknown_order"
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 0       |

  Scenario: Data for an order dispatched to another work center is refused
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1104"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "equipment_mismatch"
    And the response field "details" equals {"order_equipment": "WC-PRESS-02", "device_work_center": "WC-PRESS-01"}
