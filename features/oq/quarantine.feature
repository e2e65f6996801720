@OQ @URS-012
Feature: Refused messages are quarantined and the bridge keeps a log
  Nothing the bridge refuses disappears: every refused message is kept in the quarantine table,
  with its reason code, receive time, origin, device, topic and content as received, for review.

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

  Scenario: A refused message is kept with reason code, time, origin, device, topic and content
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Production/Serial", "value": "SN-0001"}, {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "missing_context"
    And the query "SELECT reason_code, origin, device_id, topic, json_extract(message, '$.payload.seq') AS seq, json_extract(message, '$.payload.metrics[0].value') AS serial, json_extract(details, '$.missing[0]') AS missing FROM quarantine" on "mes" returns:
      | reason_code     | origin    | device_id          | topic                             | seq | serial  | missing    |
      | missing_context | sparkplug | Line1/edge1/press1 | spBv1.0/Line1/DDATA/edge1/press1  | 1   | SN-0001 | work_order |
    And the query "SELECT count(*) AS timed FROM quarantine WHERE received_time LIKE '____-__-__T__:__:__.___Z' AND reason <> ''" on "mes" returns:
      | timed |
      | 1     |

  Scenario: Every refusal is in quarantine and every acceptance is not
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-1"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-1"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And the request is rejected with reason "duplicate"
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press9", "payload": {"timestamp": 1709532002000, "seq": 2, "metrics": [
        {"name": "Process/Temperature", "value": 60.1}]}}
      """
    And the request is rejected with reason "unmapped_equipment"
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003000, "seq": 3, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-2"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And the request succeeds
    And I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/unknown", "values": {"Process/Temperature": {"value": 60.2, "statusCode": "BadCommunicationError", "serverTimestamp": "2024-03-04T06:00:04Z"}}}
      """
    And the request is rejected with reason "bad_quality"
    When I send a "flush" request to "bridge"
    Then the query "SELECT reason_code, origin, device_id FROM quarantine ORDER BY id" on "mes" returns:
      | reason_code        | origin    | device_id          |
      | duplicate          | sparkplug | Line1/edge1/press1 |
      | unmapped_equipment | sparkplug | Line1/edge1/press9 |
      | bad_quality        | opcua     | opcua/unknown      |
    And the query "SELECT serial FROM production_events ORDER BY id" on "mes" returns:
      | serial |
      | SN-1   |
      | SN-2   |

  Scenario: The bridge logs master-data loads and session events
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NDEATH/edge1", "payload": {"timestamp": 1709532010000, "bdSeq": 0}}
      """
    Then the request succeeds
    And the query "SELECT level, event, detail FROM bridge_log WHERE event IN ('nbirth', 'ndeath') ORDER BY id" on "mes" returns:
      | level | event  | detail              |
      | info  | nbirth | Line1/edge1 bdSeq 0 |
      | info  | ndeath | Line1/edge1 bdSeq 0 |
    And the query "SELECT level, json_extract(detail, '$.rows') AS rows, json_extract(detail, '$.digest') AS digest FROM bridge_log WHERE event = 'master_data_loaded'" on "mes" returns:
      | level | rows | digest                                                           |
      | info  | 1    | 9a154b2a0c443436db9181c98a49371fec8b660560d2f031b53acb84fe497942 |
    And the query "SELECT count(*) AS started FROM bridge_log WHERE event IN ('start', 'reset') AND detail <> ''" on "mes" returns:
      | started |
      | 1       |
