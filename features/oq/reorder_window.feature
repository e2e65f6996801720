@OQ @URS-006
Feature: Events are ordered by source timestamp within the reorder window
  Events wait in a buffer until the work center's newest source time is a full reorder window
  (2000 ms as installed) past them, and are committed in source-time order. An event that arrives
  later than that can no longer be put in order and is refused as late_event.

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

  Scenario: Events arriving out of order are recorded in source-time order
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532010500, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "timestamp": 1709532010500, "value": "WO-1001"},
        {"name": "Production/Serial", "timestamp": 1709532010500, "value": "SN-B"},
        {"name": "Production/Result", "timestamp": 1709532010500, "value": "good"}]}}
      """
    Then the request succeeds
    And the response field "pending" equals 1
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532010000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "timestamp": 1709532010000, "value": "WO-1001"},
        {"name": "Production/Serial", "timestamp": 1709532010000, "value": "SN-A"},
        {"name": "Production/Result", "timestamp": 1709532010000, "value": "good"}]}}
      """
    Then the request succeeds
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532012200, "seq": 3, "metrics": [
        {"name": "Context/WorkOrder", "timestamp": 1709532012200, "value": "WO-1001"},
        {"name": "Production/Serial", "timestamp": 1709532012200, "value": "SN-C"},
        {"name": "Production/Result", "timestamp": 1709532012200, "value": "good"}]}}
      """
    Then the request succeeds
    And the response field "committed" matches:
      """
      [{"table": "production_events", "id": 1, "serial": "SN-A", "source_time": "2024-03-04T06:00:10.000Z", "historical": false, "cycle_time_ms": null}]
      """
    And the response field "pending" equals 2
    When I send a "flush" request to "bridge"
    Then the response field "count" equals 2
    And the query "SELECT id, serial, source_time FROM production_events ORDER BY id" on "mes" returns:
      | id | serial | source_time              |
      | 1  | SN-A   | 2024-03-04T06:00:10.000Z |
      | 2  | SN-B   | 2024-03-04T06:00:10.500Z |
      | 3  | SN-C   | 2024-03-04T06:00:12.200Z |

  Scenario Outline: An event <behind> ms behind the newest is still put in order
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532012000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-NEWEST"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": <at>, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-EARLIER"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request succeeds
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial FROM production_events ORDER BY id" on "mes" returns:
      | serial     |
      | SN-EARLIER |
      | SN-NEWEST  |

    Examples:
      | behind | at            |
      | 1      | 1709532011999 |
      | 1999   | 1709532010001 |
      | 2000   | 1709532010000 |

  Scenario Outline: An event <behind> ms behind the newest is refused as late
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532012000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-NEWEST"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": <at>, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-LATE"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "late_event"
    And the response field "details" equals {"source_time": "<time>", "watermark": "2024-03-04T06:00:10.000Z", "reorder_window_ms": 2000}
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial FROM production_events" on "mes" returns:
      | serial    |
      | SN-NEWEST |
    And the query "SELECT reason_code FROM quarantine" on "mes" returns:
      | reason_code |
      | late_event  |

    Examples:
      | behind | at            | time                     |
      | 2001   | 1709532009999 | 2024-03-04T06:00:09.999Z |
      | 60000  | 1709531952000 | 2024-03-04T05:59:12.000Z |

  Scenario: Process values advance the clock that releases waiting events
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532010000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532011999, "seq": 2, "metrics": [
        {"name": "Process/Temperature", "value": 61.0}]}}
      """
    Then the response field "pending" equals 1
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532012000, "seq": 3, "metrics": [
        {"name": "Process/Temperature", "value": 61.1}]}}
      """
    Then the response field "pending" equals 0
    And the response field "committed[0].serial" equals "SN-0001"

  Scenario: A flush closes the window
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532010000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0001"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    And I send a "flush" request to "bridge"
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532009999, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-0000"},
        {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "late_event"
