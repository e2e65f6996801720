@OQ @URS-008
Feature: Only good-quality data is used
  A message is used whole or not at all: if any value in it has Bad or Uncertain status (OPC UA
  status code, Sparkplug Quality property) the message is refused as bad_quality, quarantined, and
  never reaches a record or a calculation.

  Background:
    Given the adapter "bridge" is started
    And the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-01  | Press 1     | Stamping |
      | WC-PRESS-02  | Press 2     | Stamping |
    And the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
      | opcua/press2       | WC-PRESS-02 | AS-4712  |
    And the table "job_orders" on "mes" contains:
      | order_id | operation | part_number | revision | batch         | equipment_id | status  | planned_quantity |
      | WO-1001  | OP-20     | P-100       | C        | LOT-2024-0042 | WC-PRESS-01  | running | 500              |
      | WO-2001  | OP-30     | P-200       | A        | LOT-2024-0077 | WC-PRESS-02  | running | 200              |
    And I send a "load_master_data" request to "bridge"
    And the request succeeds

  Scenario Outline: An OPC UA value with status <status> is <outcome>
    When I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/press2", "values": {
        "Context/WorkOrder": {"value": "WO-2001", "statusCode": 0, "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"},
        "Production/Serial": {"value": "SN-7001", "statusCode": 0, "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"},
        "Production/Result": {"value": "good", "statusCode": <status>, "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"}}}
      """
    And I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records   |
      | <records> |
    And the query "SELECT count(*) AS gated FROM quarantine WHERE reason_code = 'bad_quality'" on "mes" returns:
      | gated   |
      | <gated> |

    Examples:
      | status                     | outcome              | records | gated |
      | 0                          | used                 | 1       | 0     |
      | "Good"                     | used                 | 1       | 0     |
      | 2147483648                 | refused (Bad)        | 0       | 1     |
      | "BadSensorFailure"         | refused (Bad)        | 0       | 1     |
      | "0x808B0000"               | refused (Bad)        | 0       | 1     |
      | 1073741824                 | refused (Uncertain)  | 0       | 1     |
      | "UncertainLastUsableValue" | refused (Uncertain)  | 0       | 1     |

  Scenario: The refusal names the value and its quality
    When I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/press2", "values": {
        "Context/WorkOrder": {"value": "WO-2001", "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"},
        "Production/Serial": {"value": "SN-7001", "statusCode": "UncertainLastUsableValue", "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"},
        "Production/Result": {"value": "good", "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"}}}
      """
    Then the request is rejected with reason "bad_quality"
    And the response field "details" equals {"metric": "Production/Serial", "quality": "uncertain"}

  Scenario Outline: A Sparkplug metric with Quality <quality> is <outcome>
    Given I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532010000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"},
        {"name": "Production/Serial", "value": "SN-0001", "properties": {"Quality": {"type": "Int32", "value": <quality>}}},
        {"name": "Production/Result", "value": "good"}]}}
      """
    And I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records   |
      | <records> |

    Examples:
      | quality | outcome             | records |
      | 192     | used (Good)         | 1       |
      | 64      | refused (Uncertain) | 0       |
      | 0       | refused (Bad)       | 0       |

  Scenario: Bad-quality data never enters the OEE calculation
    When I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/press2", "values": {
        "Context/WorkOrder": {"value": "WO-2001", "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"},
        "Production/Serial": {"value": "SN-7001", "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"},
        "Production/Result": {"value": "good", "sourceTimestamp": "2024-03-04T06:00:10.000Z", "serverTimestamp": "2024-03-04T06:00:10.010Z"}}}
      """
    And I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/press2", "values": {
        "Context/WorkOrder": {"value": "WO-2001", "sourceTimestamp": "2024-03-04T06:00:20.000Z", "serverTimestamp": "2024-03-04T06:00:20.010Z"},
        "Production/Serial": {"value": "SN-7002", "sourceTimestamp": "2024-03-04T06:00:20.000Z", "serverTimestamp": "2024-03-04T06:00:20.010Z"},
        "Production/Result": {"value": "good", "statusCode": "BadSensorFailure", "sourceTimestamp": "2024-03-04T06:00:20.000Z", "serverTimestamp": "2024-03-04T06:00:20.010Z"}}}
      """
    And I send a "flush" request to "bridge"
    When I send a "report" request to "bridge" with:
      """
      {"equipment_id": "WC-PRESS-02", "from": "2024-03-04T06:00:00Z", "to": "2024-03-04T06:01:00Z"}
      """
    Then the request succeeds
    And the response field "total_count" equals 1
    And the response field "good_count" equals 1
    And the response field "performance_pct" is within 0.0001 of 3.3333
