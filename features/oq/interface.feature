@OQ @URS-015
Feature: Requests and messages are validated at the interface
  Malformed telemetry is quarantined as invalid_message, malformed requests are refused as
  invalid_request, and unknown request kinds as unknown_kind. Nothing malformed is guessed at.

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

  Scenario: A well-formed process value is accepted
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Process/Temperature", "timestamp": 1709532001000, "value": 61.5}]}}
      """
    Then the request succeeds
    And the response matches:
      """
      {"accepted": true, "type": "DDATA", "seq": 1, "device_id": "Line1/edge1/press1", "work_center": "WC-PRESS-01",
       "events": [], "committed": [], "pending": 0}
      """

  Scenario Outline: Malformed telemetry (<case>) is quarantined as invalid_message
    When I send a "telemetry" request to "bridge" with:
      """
      <message>
      """
    Then the request is rejected with reason "invalid_message"
    And the query "SELECT reason_code FROM quarantine" on "mes" returns:
      | reason_code     |
      | invalid_message |

    Examples:
      | case                      | message                                                                                                                                                 |
      | wrong namespace           | {"topic": "spAv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1}}                                                        |
      | device message, no device | {"topic": "spBv1.0/Line1/DDATA/edge1", "payload": {"timestamp": 1709532001000, "seq": 1}}                                                               |
      | host command type         | {"topic": "spBv1.0/Line1/NCMD/edge1", "payload": {"timestamp": 1709532001000, "seq": 1}}                                                                |
      | no topic                  | {"payload": {"timestamp": 1709532001000, "seq": 1}}                                                                                                     |
      | no payload timestamp      | {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"seq": 1}}                                                                                    |
      | seq out of range          | {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 256}}                                                      |
      | timestamp not ms UTC      | {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": "soon", "seq": 1}}                                                               |
      | result not good or reject | {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [{"name": "Production/Result", "value": "ok"}]}} |
      | metric sent twice         | {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [{"name": "A", "value": 1}, {"name": "A", "value": 2}]}} |

  Scenario: An unknown request kind is refused
    When I send a "frobnicate" request to "bridge"
    Then the request is rejected with reason "unknown_kind"

  Scenario Outline: A <kind> request with <case> is refused
    When I send a "<kind>" request to "bridge" with:
      """
      <body>
      """
    Then the request is rejected with reason "invalid_request"

    Examples:
      | kind   | case                          | body                                                                                                                    |
      | report | no equipment                  | {"from": "2024-03-04T06:00:00Z", "to": "2024-03-04T07:00:00Z"}                                                          |
      | report | the window reversed           | {"equipment_id": "WC-PRESS-01", "from": "2024-03-04T07:00:00Z", "to": "2024-03-04T06:00:00Z"}                           |
      | report | breaks longer than the window | {"equipment_id": "WC-PRESS-01", "from": "2024-03-04T06:00:00Z", "to": "2024-03-04T07:00:00Z", "planned_break_ms": 3600001} |
      | oee    | figures missing               | {"shift_ms": 3600000}                                                                                                   |
