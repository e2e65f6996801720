@OQ @URS-007
Feature: Clock skew beyond the tolerance is detected
  A value's source timestamp (PLC clock) is compared with the timestamp of the system that passed
  it on: the Sparkplug payload timestamp (edge clock) or the OPC UA serverTimestamp. More than the
  installed tolerance (500 ms) apart: clock_skew, quarantined. Exactly at the tolerance: accepted.

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
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And the request succeeds

  Scenario Outline: A Sparkplug metric <skew> ms from the payload time is accepted
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532010000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "timestamp": <metric_time>, "value": "WO-1001"},
        {"name": "Production/Serial", "timestamp": <metric_time>, "value": "SN-0001"},
        {"name": "Production/Result", "timestamp": <metric_time>, "value": "good"}]}}
      """
    Then the request succeeds
    When I send a "flush" request to "bridge"
    Then the query "SELECT serial, source_ts_ms FROM production_events" on "mes" returns:
      | serial  | source_ts_ms  |
      | SN-0001 | <metric_time> |

    Examples:
      | skew | metric_time   |
      | 0    | 1709532010000 |
      | +500 | 1709532010500 |
      | -500 | 1709532009500 |

  Scenario Outline: A Sparkplug metric <skew> ms from the payload time is refused
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532010000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "timestamp": 1709532010000, "value": "WO-1001"},
        {"name": "Production/Serial", "timestamp": <metric_time>, "value": "SN-0001"},
        {"name": "Production/Result", "timestamp": 1709532010000, "value": "good"}]}}
      """
    Then the request is rejected with reason "clock_skew"
    And the response field "details" equals {"metric": "Production/Serial", "skew_ms": <skew>, "tolerance_ms": 500}
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 0       |
    And the query "SELECT reason_code FROM quarantine" on "mes" returns:
      | reason_code |
      | clock_skew  |

    Examples:
      | skew    | metric_time   |
      | 501     | 1709532010501 |
      | -501    | 1709532009499 |
      | 3600000 | 1709535610000 |

  Scenario Outline: An OPC UA value with source time <source> and server time <server> is <outcome>
    When I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/press2", "values": {
        "Context/WorkOrder": {"value": "WO-2001", "sourceTimestamp": "<source>", "serverTimestamp": "<server>"},
        "Production/Serial": {"value": "SN-7001", "sourceTimestamp": "<source>", "serverTimestamp": "<server>"},
        "Production/Result": {"value": "good", "sourceTimestamp": "<source>", "serverTimestamp": "<server>"}}}
      """
    And I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records   |
      | <records> |
    And the query "SELECT count(*) AS skewed FROM quarantine WHERE reason_code = 'clock_skew'" on "mes" returns:
      | skewed   |
      | <skewed> |

    Examples:
      | source                   | server                   | outcome  | records | skewed |
      | 2024-03-04T06:00:10.000Z | 2024-03-04T06:00:10.000Z | accepted | 1       | 0      |
      | 2024-03-04T06:00:09.500Z | 2024-03-04T06:00:10.000Z | accepted | 1       | 0      |
      | 2024-03-04T06:00:10.500Z | 2024-03-04T06:00:10.000Z | accepted | 1       | 0      |
      | 2024-03-04T06:00:09.499Z | 2024-03-04T06:00:10.000Z | refused  | 0       | 1      |
      | 2024-03-04T06:00:10.501Z | 2024-03-04T06:00:10.000Z | refused  | 0       | 1      |
