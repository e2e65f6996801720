@OQ @URS-010
Feature: OEE is calculated as specified
  OEE = availability x performance x quality (ISO 22400), and the shortcut form good count x ideal
  cycle time / planned time agrees. The "oee" request runs the calculation on given figures; the
  "report" request runs it on recorded production.

  Background:
    Given the adapter "bridge" is started

  Scenario Outline: <example> gives OEE <oee> %
    When I send a "oee" request to "bridge" with:
      | shift_ms   | break_ms   | downtime_ms   | ideal_cycle_time_ms | total_count | reject_count |
      | <shift_ms> | <break_ms> | <downtime_ms> | <ideal_ms>          | <total>     | <rejects>    |
    Then the request succeeds
    And the response field "planned_time_ms" equals <planned_ms>
    And the response field "good_count" equals <good>
    And the response field "availability_pct" is within 0.005 of <availability>
    And the response field "performance_pct" is within 0.005 of <performance>
    And the response field "quality_pct" is within 0.005 of <quality>
    And the response field "oee_pct" is within 0.005 of <oee>
    And the response field "oee_shortcut_pct" is within 0.005 of <oee>

    # The published worked example (oee.com, Vorne): 480 min shift, 2 x 15 min breaks and a 30 min
    # meal, 47 min down, ideal 1 s per part (60 per minute), 19,271 made, 423 rejected.
    Examples:
      | example                   | shift_ms | break_ms | downtime_ms | ideal_ms | total | rejects | planned_ms | good  | availability | performance | quality | oee   |
      | The published example     | 28800000 | 3600000  | 2820000     | 1000     | 19271 | 423     | 25200000   | 18848 | 88.81        | 86.11       | 97.80   | 74.79 |
      | A 400 min plan, 1.5 s     | 28800000 | 4800000  | 2400000     | 1500     | 12000 | 240     | 24000000   | 11760 | 90.00        | 83.33       | 98.00   | 73.50 |
      | A perfect hour            | 3600000  | 0        | 0           | 1000     | 3600  | 0       | 3600000    | 3600  | 100.00       | 100.00      | 100.00  | 100.00 |

  Scenario: Zero planned time leaves availability, performance and OEE undefined
    When I send a "oee" request to "bridge" with:
      | shift_ms | break_ms | downtime_ms | ideal_cycle_time_ms | total_count | reject_count |
      | 3600000  | 3600000  | 0           | 1000                | 10          | 1            |
    Then the request succeeds
    And the response matches:
      """
      {"planned_time_ms": 0, "downtime_ms": 0, "run_time_ms": 0, "total_count": 10, "good_count": 9,
       "availability_pct": null, "performance_pct": null, "quality_pct": 90.0,
       "oee_pct": null, "oee_shortcut_pct": null}
      """

  Scenario: Zero count gives OEE 0 and leaves quality undefined
    When I send a "oee" request to "bridge" with:
      | shift_ms | break_ms | downtime_ms | ideal_cycle_time_ms | total_count | reject_count |
      | 3600000  | 0        | 600000      | 1000                | 0           | 0            |
    Then the request succeeds
    And the response field "availability_pct" is within 0.005 of 83.33
    And the response field "performance_pct" equals 0
    And the response field "quality_pct" equals null
    And the response field "oee_pct" equals 0
    And the response field "oee_shortcut_pct" equals 0

  Scenario: Downtime longer than the planned time gives availability 0 and no run time
    When I send a "oee" request to "bridge" with:
      | shift_ms | break_ms | downtime_ms | ideal_cycle_time_ms | total_count | reject_count |
      | 3600000  | 0        | 5400000     | 1000                | 0           | 0            |
    Then the request succeeds
    And the response field "run_time_ms" equals 0
    And the response field "availability_pct" equals 0
    And the response field "performance_pct" equals null
    And the response field "oee_pct" equals 0

  Scenario Outline: Inconsistent figures are refused (<case>)
    When I send a "oee" request to "bridge" with:
      | shift_ms   | break_ms   | downtime_ms | ideal_cycle_time_ms | total_count | reject_count |
      | <shift_ms> | <break_ms> | 0           | <ideal_ms>          | <total>     | <rejects>    |
    Then the request is rejected with reason "invalid_request"

    Examples:
      | case                          | shift_ms | break_ms | ideal_ms | total | rejects |
      | more rejects than parts       | 3600000  | 0        | 1000     | 10    | 11      |
      | breaks longer than the shift  | 3600000  | 3600001  | 1000     | 10    | 1       |
      | no ideal cycle time           | 3600000  | 0        | 0        | 10    | 1       |
      | negative shift                | -1       | 0        | 1000     | 10    | 1       |

  Scenario: OEE over recorded production agrees with its shortcut form
    Given the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-01  | Press 1     | Stamping |
    And the table "equipment_mapping" on "mes" contains:
      | device_id          | work_center | asset_id |
      | Line1/edge1/press1 | WC-PRESS-01 | AS-4711  |
    And the table "job_orders" on "mes" contains:
      | order_id | operation | part_number | revision | batch         | equipment_id | status  | planned_quantity |
      | WO-1001  | OP-20     | P-100       | C        | LOT-2024-0042 | WC-PRESS-01  | running | 500              |
    And I send a "load_master_data" request to "bridge"
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1709532000000, "seq": 0, "bdSeq": 0}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532001000, "seq": 1, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-1"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532003000, "seq": 2, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-2"}, {"name": "Production/Result", "value": "reject"}]}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532005000, "seq": 3, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-3"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And I send a "telemetry" request to "bridge" with:
      """
      {"topic": "spBv1.0/Line1/DDATA/edge1/press1", "payload": {"timestamp": 1709532007000, "seq": 4, "metrics": [
        {"name": "Context/WorkOrder", "value": "WO-1001"}, {"name": "Production/Serial", "value": "SN-4"}, {"name": "Production/Result", "value": "good"}]}}
      """
    And I send a "flush" request to "bridge"
    # 4 parts (3 good) of P-100 (ideal 1 s) in a 60 s window with no downtime:
    # availability 100 %, performance 4 s / 60 s = 6.667 %, quality 75 %, OEE 5 % = 3 x 1 s / 60 s.
    When I send a "report" request to "bridge" with:
      """
      {"equipment_id": "WC-PRESS-01", "from": "2024-03-04T06:00:00Z", "to": "2024-03-04T06:01:00Z", "planned_break_ms": 0}
      """
    Then the request succeeds
    And the response field "total_count" equals 4
    And the response field "good_count" equals 3
    And the response field "reject_count" equals 1
    And the response field "availability_pct" equals 100
    And the response field "performance_pct" is within 0.001 of 6.6667
    And the response field "quality_pct" equals 75
    And the response field "oee_pct" is within 0.000001 of 5
    And the response field "oee_shortcut_pct" is within 0.000001 of 5
