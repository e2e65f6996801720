@OQ @URS-009
Feature: Store-and-forward replay loses nothing and counts nothing twice
  If the link drops, the broker publishes the edge node's NDEATH and the edge stores its data.
  On reconnection it is born again (bdSeq + 1) and replays the stored data as historical. The
  bridge accepts the replay in source-time order, marks it historical, and refuses what it had
  already received.

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

  Scenario: Data stored during an outage is replayed in order, marked historical, nothing lost or counted twice
    # Live before the outage: SN-1 at 06:00:01, SN-2 at 06:00:03.
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-1"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-2"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And the request succeeds
    # The link drops at 06:00:04; the edge comes back 10 minutes later.
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NDEATH/edge1", "payload": {"timestamp": 1709532004000, "bdSeq": 0}}
      """
    Then the request succeeds
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532604000, "seq": 0, "bdSeq": 1}}
      """
    Then the request succeeds
    # SN-2 had arrived, but the edge never saw it acknowledged: it is sent again.
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001", "is_historical": true},
        {"name": "Production/Serial", "value": "SN-2", "is_historical": true},
        {"name": "Production/Result", "value": "good", "is_historical": true}]}}
      """
    Then the request is rejected with reason "duplicate"
    # Made during the outage.
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532060000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001", "is_historical": true},
        {"name": "Production/Serial", "value": "SN-3", "is_historical": true},
        {"name": "Production/Result", "value": "good", "is_historical": true}]}}
      """
    Then the request succeeds
    And the response field "events[0].historical" equals true
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532300000, "seq": 3, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001", "is_historical": true},
        {"name": "Production/Serial", "value": "SN-4", "is_historical": true},
        {"name": "Production/Result", "value": "reject", "is_historical": true}]}}
      """
    Then the request succeeds
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532600000, "seq": 4, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001", "is_historical": true},
        {"name": "Production/Serial", "value": "SN-5", "is_historical": true},
        {"name": "Production/Result", "value": "good", "is_historical": true}]}}
      """
    Then the request succeeds
    # Live again.
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532605000, "seq": 5, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-6"}, {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request succeeds
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial, result, historical, source_time FROM production_events ORDER BY id" on "mes" returns:
      | serial | result | historical | source_time              |
      | SN-1   | good   | 0          | 2024-03-04T06:00:01.000Z |
      | SN-2   | good   | 0          | 2024-03-04T06:00:03.000Z |
      | SN-3   | good   | 1          | 2024-03-04T06:01:00.000Z |
      | SN-4   | reject | 1          | 2024-03-04T06:05:00.000Z |
      | SN-5   | good   | 1          | 2024-03-04T06:10:00.000Z |
      | SN-6   | good   | 0          | 2024-03-04T06:10:05.000Z |
    And the query "SELECT reason_code FROM quarantine" on "mes" returns:
      | reason_code |
      | duplicate   |
    When I send a "report" request to "bridge" with:
      """
      {"equipment_id": "WC-PRESS-01", "from": "2024-03-04T06:00:00Z", "to": "2024-03-04T06:15:00Z"}
      """
    Then the response field "total_count" equals 6
    And the response field "good_count" equals 5

  Scenario: Historical backfill older than the reorder window is accepted; the same data live is late
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532100000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-10"}, {"name": "Production/Result", "value": "good"}]}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532050000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-9"}, {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "late_event"
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532050000, "seq": 3, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001", "is_historical": true},
        {"name": "Production/Serial", "value": "SN-9", "is_historical": true},
        {"name": "Production/Result", "value": "good", "is_historical": true}]}}
      """
    Then the request succeeds
    And the response field "events[0].buffered" equals false
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial, historical FROM production_events ORDER BY source_ts_ms" on "mes" returns:
      | serial | historical |
      | SN-9   | 1          |
      | SN-10  | 0          |

  Scenario: Data sent without a session during an outage is not recorded
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NDEATH/edge1", "payload": {"timestamp": 1709532004000, "bdSeq": 0}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532005000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-1"}, {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "no_session"
    When I send a "flush" request to "bridge"
    Then the query "SELECT id FROM production_events" on "mes" returns no rows
    And the query "SELECT reason_code, json_extract(message, '$.payload.metrics[1].value') AS serial FROM quarantine" on "mes" returns:
      | reason_code | serial |
      | no_session  | SN-1   |
