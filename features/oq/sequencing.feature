@OQ @URS-004
Feature: Sparkplug sessions and sequence numbers are tracked
  Every message an edge node publishes carries the node's seq (0 on NBIRTH, +1 per message,
  255 wraps to 0). A gap means lost messages: the bridge refuses the message, asks for a rebirth
  and refuses the node's data until it is born again.

  Background:
    Given the adapter "bridge" is started
    And the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-01  | Press 1     | Stamping |
    And the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
    And I send a "load_master_data" request to "bridge"
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And the request succeeds

  Scenario: Messages in sequence are accepted
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DBIRTH/edge1/press1", "payload": {"timestamp": 1709532000000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 60.0}]}}
      """
    Then the request succeeds
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 2, "metrics": [
        {"name": "Process/Temperature", "value": 60.4}]}}
      """
    Then the request succeeds
    And the response field "seq" equals 2

  Scenario: seq wraps from 255 to 0
    When I send each line of the file "${project_dir}/features/data/seq-1-to-255.jsonl" as a "telemetry" request to "bridge"
    Then the response field "sent" equals 255
    And the response field "succeeded" equals 255
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532256000, "seq": 0, "metrics": [
        {"name": "Process/Temperature", "value": 60.1}]}}
      """
    Then the request succeeds
    And the response field "seq" equals 0

  Scenario: A wrap that skips 0 is a gap
    When I send each line of the file "${project_dir}/features/data/seq-1-to-255.jsonl" as a "telemetry" request to "bridge"
    Then the response field "succeeded" equals 255
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532256000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 60.1}]}}
      """
    Then the request is rejected with reason "sequence_gap"
    And the response field "details.expected_seq" equals 0
    And the response field "details.received_seq" equals 1

  Scenario: A gap is refused, a rebirth is requested, and the node is refused until it is born again
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 60.4}]}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003000, "seq": 3, "metrics": [
        {"name": "Process/Temperature", "value": 60.5}]}}
      """
    Then the request is rejected with reason "sequence_gap"
    And the response field "details" matches:
      """
      {"expected_seq": 2, "received_seq": 3, "missing": 1,
       "rebirth": {"topic": "spBv1.0/Line1/NCMD/edge1",
                   "payload": {"metrics": [{"name": "Node Control/Rebirth", "type": "Boolean", "value": true}]}}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532004000, "seq": 4, "metrics": [
        {"name": "Process/Temperature", "value": 60.5}]}}
      """
    Then the request is rejected with reason "no_session"
    And the response field "details.rebirth.topic" equals "spBv1.0/Line1/NCMD/edge1"
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532005000, "seq": 0, "bdSeq": 1}}
      """
    Then the request succeeds
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532006000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 60.6}]}}
      """
    Then the request succeeds
    And the query "SELECT reason_code FROM quarantine ORDER BY id" on "mes" returns:
      | reason_code  |
      | sequence_gap |
      | no_session   |
    And the query "SELECT level, event FROM bridge_log WHERE event = 'sequence_gap'" on "mes" returns:
      | level | event        |
      | warn  | sequence_gap |

  Scenario: Data from a node that was never born is refused
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge2/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 60.4}]}}
      """
    Then the request is rejected with reason "no_session"
    And the response field "details.rebirth.topic" equals "spBv1.0/Line1/NCMD/edge2"

  Scenario: Data after the node's death is refused until it is born again
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NDEATH/edge1", "payload": {"timestamp": 1709532002000, "bdSeq": 0}}
      """
    And the request succeeds
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 60.4}]}}
      """
    Then the request is rejected with reason "no_session"

  Scenario: A death from an older session does not end the current one
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532010000, "seq": 0, "bdSeq": 1}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NDEATH/edge1", "payload": {"timestamp": 1709532011000, "bdSeq": 0}}
      """
    Then the request is rejected with reason "stale_death"
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532012000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "value": 60.4}]}}
      """
    Then the request succeeds

  Scenario: A node birth must start the sequence at 0
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532010000, "seq": 5, "bdSeq": 1}}
      """
    Then the request is rejected with reason "invalid_message"
