@OQ
Feature: OEE calculation

  @URS-002
  Scenario Outline: OEE of a shift: <case>
    When I send an "oee" request to "calculator" with:
      """
      {"planned_min": <planned>, "run_min": <run>, "ideal_cycle_s": <cycle>, "total": <total>, "good": <good>}
      """
    Then the request succeeds
    And the response field "oee" is within 0.0001 of <oee>

    Examples:
      | case            | planned | run | cycle | total | good | oee    |
      | a perfect shift | 480     | 480 | 60    | 480   | 480  | 1.0    |
      | a typical shift | 480     | 420 | 30    | 760   | 740  | 0.7708 |

  @URS-003
  Scenario: More good parts than parts is refused
    When I send an "oee" request to "calculator" with:
      """
      {"planned_min": 480, "run_min": 400, "ideal_cycle_s": 30, "total": 100, "good": 101}
      """
    Then the request is rejected with reason "invalid_counts"

  @URS-003
  Scenario: More run time than planned time is refused
    When I send an "oee" request to "calculator" with:
      """
      {"planned_min": 480, "run_min": 500, "ideal_cycle_s": 30, "total": 100, "good": 90}
      """
    Then the request is rejected with reason "invalid_times"
