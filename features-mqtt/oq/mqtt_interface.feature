@OQ @URS-015 @URS-004
Feature: The bridge's MQTT interface (through MQTT)
  In MQTT mode the bridge takes Sparkplug B telemetry from the broker, publishes a decision for
  every message on qualify-bridge/decisions, requests a rebirth on the node's NCMD topic after a
  sequence gap, and leaves host commands alone. Written for the MQTT variant of the OQ suite; it
  replaces features/oq/interface.feature, which tests the process interface.

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
    And I publish to "spBv1.0/Line1/NBIRTH/edge1" on "broker":
      """
      {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}
      """
    And a message on "qualify-bridge/decisions" from "broker" arrives within 10 s matching:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "seq": 0, "accepted": true, "type": "NBIRTH",
       "node": "Line1/edge1", "bd_seq": 0}
      """

  Scenario: A well-formed process value gets a decision with its topic and seq
    When I publish to "spBv1.0/Line1/DDATA/edge1/press1" on "broker" with QoS 2:
      """
      {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "timestamp": 1709532001000, "value": 61.5}]}
      """
    Then a message on "qualify-bridge/decisions" from "broker" arrives within 10 s matching:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "seq": 1, "accepted": true, "type": "DDATA",
       "device_id": "Line1/edge1/press1", "work_center": "WC-PRESS-01", "events": [], "committed": [],
       "pending": 0}
      """

  Scenario: A sequence gap is refused and the bridge publishes the rebirth request
    When I publish to "spBv1.0/Line1/DDATA/edge1/press1" on "broker":
      """
      {"timestamp": 1709532001000, "seq": 5, "metrics": [{"name": "Process/Temperature", "value": 61.5}]}
      """
    Then a message on "qualify-bridge/decisions" from "broker" arrives within 10 s matching:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "seq": 5, "accepted": false, "code": "sequence_gap",
       "message": "#string", "details": {"expected_seq": 1, "received_seq": 5, "missing": 4, "rebirth": "#object"}}
      """
    And a message on "spBv1.0/Line1/NCMD/edge1" from "broker" arrives within 10 s matching:
      """
      {"timestamp": "#number", "metrics": [{"name": "Node Control/Rebirth", "type": "Boolean", "value": true}]}
      """
    And the query "SELECT reason_code, topic FROM quarantine" on "mes" returns:
      | reason_code  | topic                            |
      | sequence_gap | spBv1.0/Line1/DDATA/edge1/press1 |

  Scenario: A payload that is not a Sparkplug payload is quarantined as invalid_message
    When I publish to "spBv1.0/Line1/DDATA/edge1/press1" on "broker":
      """
      "not a sparkplug payload"
      """
    Then a message on "qualify-bridge/decisions" from "broker" arrives within 10 s matching:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "seq": null, "accepted": false, "code": "invalid_message",
       "message": "#string", "#rest": "#ignore"}
      """

  # "No decision" is shown with a barrier, not with a quiet period that a slow machine passes
  # falsely: telemetry sent after the command gets its decision, and the bridge handles messages
  # in order, so a decision for the command would have arrived before it and still be waiting.
  Scenario: Host commands on the broker are not telemetry
    When I publish to "spBv1.0/Line1/NCMD/edge1" on "broker":
      """
      {"timestamp": 1709532001000, "metrics": [{"name": "Node Control/Rebirth", "value": true}]}
      """
    And I publish to "spBv1.0/Line1/DDATA/edge1/press1" on "broker":
      """
      {"timestamp": 1709532001000, "seq": 1, "metrics": [{"name": "Process/Temperature", "value": 61.5}]}
      """
    Then a message on "qualify-bridge/decisions" from "broker" arrives within 10 s matching:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "seq": 1, "accepted": true, "#rest": "#ignore"}
      """
    And no message on "qualify-bridge/decisions" from "broker" arrives within 500 ms
    And the query "SELECT count(*) AS n FROM quarantine" on "mes" returns:
      | n |
      | 0 |

  Scenario: Telemetry is not accepted on the control channel in MQTT mode
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1}}
      """
    Then the request is rejected with reason "invalid_request"
    # Barrier, as above: the next telemetry's decision comes after any for the refused request.
    When I publish to "spBv1.0/Line1/DDATA/edge1/press1" on "broker":
      """
      {"timestamp": 1709532001000, "seq": 1, "metrics": [{"name": "Process/Temperature", "value": 61.5}]}
      """
    Then a message on "qualify-bridge/decisions" from "broker" arrives within 10 s matching:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "seq": 1, "accepted": true, "#rest": "#ignore"}
      """
    And no message on "qualify-bridge/decisions" from "broker" arrives within 300 ms
