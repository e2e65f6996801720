@OQ @URS-011
Feature: Downtime by reason code and cycle time are recorded
  Machine state changes become downtime records per reason code (DOWN opens one, RUNNING or a
  DOWN with another reason closes it). Every completion carries its cycle time: the gap to the
  previous completion of the order on the work center.

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

  Scenario: Downtime is recorded per reason code from machine state changes
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532002000, "seq": 1, "metrics": [
        {"name": "Machine/State", "value": "DOWN"}, {"name": "Machine/DownReason", "value": "JAM"}]}}
      """
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532062000, "seq": 2, "metrics": [
        {"name": "Machine/State", "value": "DOWN"}, {"name": "Machine/DownReason", "value": "TOOL_CHANGE"}]}}
      """
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532092000, "seq": 3, "metrics": [
        {"name": "Machine/State", "value": "RUNNING"}]}}
      """
    And the request succeeds
    When I send a "flush" request to "bridge"
    Then the query "SELECT reason_code, start_time, end_time, duration_ms, equipment_id, asset_id FROM downtime_events ORDER BY id" on "mes" returns:
      | reason_code | start_time               | end_time                 | duration_ms | equipment_id | asset_id |
      | JAM         | 2024-03-04T06:00:02.000Z | 2024-03-04T06:01:02.000Z | 60000       | WC-PRESS-01  | AS-4711  |
      | TOOL_CHANGE | 2024-03-04T06:01:02.000Z | 2024-03-04T06:01:32.000Z | 30000       | WC-PRESS-01  | AS-4711  |
    When I send a "report" request to "bridge" with:
      """
      {"equipment_id": "WC-PRESS-01", "from": "2024-03-04T06:00:00Z", "to": "2024-03-04T06:02:00Z"}
      """
    Then the response field "downtime_by_reason" equals {"JAM": 60000, "TOOL_CHANGE": 30000}
    And the response field "downtime_ms" equals 90000
    And the response field "downtime_events" equals 2
    And the response field "run_time_ms" equals 30000
    And the response field "availability_pct" equals 25

  Scenario: A downtime still open is counted up to the end of the report window
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532030000, "seq": 1, "metrics": [
        {"name": "Machine/State", "value": "DOWN"}, {"name": "Machine/DownReason", "value": "MATERIAL_SHORTAGE"}]}}
      """
    And I send a "flush" request to "bridge"
    When I send a "report" request to "bridge" with:
      """
      {"equipment_id": "WC-PRESS-01", "from": "2024-03-04T06:00:00Z", "to": "2024-03-04T06:01:00Z"}
      """
    Then the response field "downtime_by_reason" equals {"MATERIAL_SHORTAGE": 30000}
    And the query "SELECT reason_code, end_time FROM downtime_events" on "mes" returns:
      | reason_code       | end_time |
      | MATERIAL_SHORTAGE | NULL     |

  Scenario: A stop without a reason code is quarantined
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532002000, "seq": 1, "metrics": [
        {"name": "Machine/State", "value": "DOWN"}]}}
      """
    Then the request is rejected with reason "missing_context"
    And the response field "details.missing" equals ["Machine/DownReason"]
    When I send a "flush" request to "bridge"
    Then the query "SELECT id FROM downtime_events" on "mes" returns no rows

  Scenario: An unknown machine state is refused
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532002000, "seq": 1, "metrics": [
        {"name": "Machine/State", "value": "IDLE"}]}}
      """
    Then the request is rejected with reason "invalid_message"

  Scenario: Each completion carries its cycle time and the report gives the average
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-1"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003500, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-2"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532005000, "seq": 3, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-3"}, {"name": "Production/Result", "value": "good"}]}}
      """
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial, cycle_time_ms FROM production_events ORDER BY id" on "mes" returns:
      | serial | cycle_time_ms |
      | SN-1   | NULL          |
      | SN-2   | 2500          |
      | SN-3   | 1500          |
    When I send a "report" request to "bridge" with:
      """
      {"equipment_id": "WC-PRESS-01", "from": "2024-03-04T06:00:00Z", "to": "2024-03-04T06:00:10Z"}
      """
    Then the response field "total_count" equals 3
    And the response field "run_time_ms" equals 10000
    And the response field "average_cycle_time_ms" is within 0.01 of 3333.33
