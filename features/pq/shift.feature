@PQ @URS-014
Feature: A production shift reconciles
  Performance qualification: a seeded, production-representative shift of press 7 (8 hours,
  two 30-minute breaks, unplanned stops), 12,000 Sparkplug messages including a 10-minute network
  outage replayed as historical data, duplicate deliveries, completions re-sent after the outage,
  and device clocks running off (within and beyond the tolerance). The shift simulator computes
  the expected figures from its own ground truth, independently of the bridge's calculations.

  Background:
    Given the adapter "bridge" is started
    And the adapter "shift" is started
    And the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-07  | Press 7     | Stamping |
    And the table "equipment_mapping" on "mes" contains:
      | device_id                    | work_center | asset_id |
      | Plant1/edge-press-07/press07 | WC-PRESS-07 | AS-0707  |
    And the table "job_orders" on "mes" contains:
      | order_id   | operation | part_number | revision | batch         | equipment_id | status  | planned_quantity |
      | WO-PQ-0001 | OP-10     | P-200       | B        | LOT-2024-0100 | WC-PRESS-07  | running | 12000            |
    And I send a "load_master_data" request to "bridge"
    And the request succeeds

  @URS-005 @URS-007 @URS-009 @URS-010 @URS-011
  Scenario: A shift with an outage, duplicates and skewed clocks reconciles
    When I send a "generate_shift" request to "shift" with:
      """
      {"seed": 20240304, "messages": 12000, "shift_start": "2024-03-04T06:00:00Z", "shift_minutes": 480,
       "breaks": [{"start_minute": 120, "minutes": 30}, {"start_minute": 300, "minutes": 30}],
       "outage_start_minute": 200, "outage_minutes": 10, "ideal_cycle_time_ms": 2000, "downtimes": 6,
       "duplicates": 60, "resent_after_outage": 5, "skewed_beyond": 25, "skewed_within": 40,
       "skew_tolerance_ms": 500, "reject_rate": 0.022,
       "group": "Plant1", "edge_node": "edge-press-07", "device": "press07", "order_id": "WO-PQ-0001",
       "file": "shift.jsonl"}
      """
    Then the request succeeds
    And the response field "messages" equals 12000
    And the response field "expected.rejected" equals {"duplicate": 65, "clock_skew": 25}
    And the response field "expected.planned_time_ms" equals 25200000
    And I remember the response field "$" as "shift"
    # Every message, in the order the edge published it.
    When I send each line of the file "shift.jsonl" as a "telemetry" request to "bridge"
    Then the response field "sent" equals 12000
    And the response field "succeeded" equals ${shift.expected.accepted}
    And the response field "rejected" equals {"duplicate": 65, "clock_skew": 25}
    When I send a "flush" request to "bridge"
    Then the request succeeds
    # Completions recorded = parts produced; nothing lost, nothing counted twice.
    And the query "SELECT count(*) AS completions, sum(result = 'good') AS good, sum(result = 'reject') AS rejected FROM production_events" on "mes" returns:
      | completions                   | good                         | rejected                       |
      | ${shift.expected.total_count} | ${shift.expected.good_count} | ${shift.expected.reject_count} |
    And the query "SELECT count(*) AS historical FROM production_events WHERE historical = 1" on "mes" returns:
      | historical                         |
      | ${shift.expected.historical_count} |
    And the query "SELECT order_id, operation, serial FROM production_events GROUP BY order_id, operation, serial HAVING count(*) > 1" on "mes" returns no rows
    And the query "SELECT count(*) AS incomplete FROM production_events WHERE order_id <> 'WO-PQ-0001' OR operation <> 'OP-10' OR part_number <> 'P-200' OR revision <> 'B' OR batch <> 'LOT-2024-0100' OR equipment_id <> 'WC-PRESS-07' OR asset_id <> 'AS-0707' OR serial = ''" on "mes" returns:
      | incomplete |
      | 0          |
    And the query "SELECT reason_code, count(*) AS messages FROM quarantine GROUP BY reason_code ORDER BY reason_code" on "mes" returns:
      | reason_code | messages |
      | clock_skew  | 25       |
      | duplicate   | 65       |
    And the query "SELECT count(*) AS downtimes, sum(duration_ms) AS downtime_ms FROM downtime_events" on "mes" returns:
      | downtimes                         | downtime_ms                   |
      | ${shift.expected.downtime_events} | ${shift.expected.downtime_ms} |
    # OEE over the shift equals the independent computation.
    When I send a "report" request to "bridge" with:
      """
      {"equipment_id": "WC-PRESS-07", "from": ${shift.report.from_ms}, "to": ${shift.report.to_ms},
       "planned_break_ms": ${shift.report.planned_break_ms}}
      """
    Then the request succeeds
    And the response field "pending" equals 0
    And the response field "total_count" equals ${shift.expected.total_count}
    And the response field "good_count" equals ${shift.expected.good_count}
    And the response field "planned_time_ms" equals ${shift.expected.planned_time_ms}
    And the response field "downtime_ms" equals ${shift.expected.downtime_ms}
    And the response field "downtime_by_reason" equals ${shift.expected.downtime_by_reason}
    And the response field "run_time_ms" equals ${shift.expected.run_time_ms}
    And the response field "average_cycle_time_ms" is within 0.01 of ${shift.expected.average_cycle_time_ms}
    And the response field "availability_pct" is within 0.01 of ${shift.expected.availability_pct}
    And the response field "performance_pct" is within 0.01 of ${shift.expected.performance_pct}
    And the response field "quality_pct" is within 0.01 of ${shift.expected.quality_pct}
    And the response field "oee_pct" is within 0.01 of ${shift.expected.oee_pct}
    And the response field "oee_shortcut_pct" is within 0.01 of ${shift.expected.oee_pct}
