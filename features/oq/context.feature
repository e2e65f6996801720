@OQ @URS-001
Feature: Completion records carry full production context
  A completion becomes a record only with its full context: work order and serial from the
  device; operation, part number, revision and batch from the MES job order; work center and
  asset from the master data; source and received time. Anything missing: missing_context,
  quarantined, no record.

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
      | WO-1002  | OP-20     | P-100       | null     | LOT-2024-0042 | WC-PRESS-01  | running | 500              |
      | WO-1003  | OP-20     | P-100       | C        | null          | WC-PRESS-01  | running | 500              |
      | WO-1004  | ""        | P-100       | C        | LOT-2024-0042 | WC-PRESS-01  | running | 500              |
      | WO-1005  | OP-20     | null        | C        | LOT-2024-0042 | WC-PRESS-01  | running | 500              |
      | WO-2001  | OP-30     | P-200       | A        | LOT-2024-0077 | WC-PRESS-02  | running | 200              |
    And I send a "load_master_data" request to "bridge"
    And the request succeeds
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And the request succeeds

  Scenario: A Sparkplug completion with full context becomes a complete record
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1",
       "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
         {"name": "Context/WorkOrder", "timestamp": 1709532001000, "value": "WO-1001"},
         {"name": "Production/Serial", "timestamp": 1709532001000, "value": "SN-0001"},
         {"name": "Production/Result", "timestamp": 1709532001000, "value": "good"}]}}
      """
    Then the request succeeds
    And the response field "events[0]" matches:
      """
      {"kind": "completion", "order_id": "WO-1001", "serial": "SN-0001", "result": "good",
       "source_time": "2024-03-04T06:00:01.000Z", "historical": false, "buffered": true}
      """
    When I send a "flush" request to "bridge"
    Then the response field "count" equals 1
    And the query "SELECT order_id, operation, part_number, revision, serial, batch, equipment_id, asset_id, source_time, result FROM production_events" on "mes" returns:
      | order_id | operation | part_number | revision | serial  | batch         | equipment_id | asset_id | source_time              | result |
      | WO-1001  | OP-20     | P-100       | C        | SN-0001 | LOT-2024-0042 | WC-PRESS-01  | AS-4711  | 2024-03-04T06:00:01.000Z | good   |
    And the query "SELECT count(*) AS n FROM production_events WHERE received_time LIKE '____-__-__T__:__:__.___Z'" on "mes" returns:
      | n |
      | 1 |
    And the query "SELECT id FROM quarantine" on "mes" returns no rows

  Scenario: An OPC UA completion with full context becomes a complete record
    When I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/press2", "values": {
        "Context/WorkOrder": {"value": "WO-2001", "statusCode": 0, "sourceTimestamp": "2024-03-04T06:00:05.000Z", "serverTimestamp": "2024-03-04T06:00:05.020Z"},
        "Production/Serial": {"value": "SN-7001", "statusCode": 0, "sourceTimestamp": "2024-03-04T06:00:05.000Z", "serverTimestamp": "2024-03-04T06:00:05.020Z"},
        "Production/Result": {"value": "reject", "statusCode": 0, "sourceTimestamp": "2024-03-04T06:00:05.000Z", "serverTimestamp": "2024-03-04T06:00:05.020Z"}}}
      """
    Then the request succeeds
    When I send a "flush" request to "bridge"
    Then the query "SELECT order_id, operation, part_number, revision, serial, batch, equipment_id, asset_id, device_id, source_time, result, origin FROM production_events" on "mes" returns:
      | order_id | operation | part_number | revision | serial  | batch         | equipment_id | asset_id | device_id    | source_time              | result | origin |
      | WO-2001  | OP-30     | P-200       | A        | SN-7001 | LOT-2024-0077 | WC-PRESS-02  | AS-4712  | opcua/press2 | 2024-03-04T06:00:05.000Z | reject | opcua  |

  Scenario Outline: A completion whose telemetry lacks the <missing> is quarantined, not recorded
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1",
       "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [<metrics>]}}
      """
    Then the request is rejected with reason "missing_context"
    And the response field "details.missing" equals <fields>
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 0       |
    And the query "SELECT reason_code FROM quarantine" on "mes" returns:
      | reason_code     |
      | missing_context |

    Examples:
      | missing             | metrics                                                                                                                              | fields                     |
      | work order          | {"name": "Production/Serial", "value": "SN-0002"}, {"name": "Production/Result", "value": "good"}                                    | ["work_order"]             |
      | serial              | {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Result", "value": "good"}                                    | ["serial"]                 |
      | serial (blank)      | {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": " "}, {"name": "Production/Result", "value": "good"} | ["serial"]                 |
      | work order and serial | {"name": "Production/Result", "value": "good"}                                                                                     | ["work_order", "serial"]   |

  Scenario Outline: A completion for an MES order without <field> is quarantined, not recorded
    When I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1",
       "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
         {"name": "Context/WorkOrder", "value": "<order>"},
         {"name": "Production/Serial", "value": "SN-0003"},
         {"name": "Production/Result", "value": "good"}]}}
      """
    Then the request is rejected with reason "missing_context"
    And the response field "details.missing" equals ["<field>"]
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 0       |
    And the query "SELECT reason_code, device_id FROM quarantine" on "mes" returns:
      | reason_code     | device_id          |
      | missing_context | Line1/edge1/press1 |

    Examples:
      | order   | field       |
      | WO-1002 | revision    |
      | WO-1003 | batch       |
      | WO-1004 | operation   |
      | WO-1005 | part_number |

  Scenario: An OPC UA completion without source time is quarantined, not recorded
    When I send a "opcua" request to "bridge" with:
      """
      {"device_id": "opcua/press2", "values": {
        "Context/WorkOrder": {"value": "WO-2001", "serverTimestamp": "2024-03-04T06:00:05.020Z"},
        "Production/Serial": {"value": "SN-7002", "serverTimestamp": "2024-03-04T06:00:05.020Z"},
        "Production/Result": {"value": "good", "serverTimestamp": "2024-03-04T06:00:05.020Z"}}}
      """
    Then the request is rejected with reason "missing_context"
    And the response field "details.missing" equals ["source_time"]
    When I send a "flush" request to "bridge"
    Then the query "SELECT count(*) AS records FROM production_events" on "mes" returns:
      | records |
      | 0       |
