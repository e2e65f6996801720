@PQ @URS-004
Feature: A production week

  Scenario: Fifteen shifts in a row
    When I send an "oee" request to "calculator" with:
      """
      {"planned_min": 480, "run_min": 420, "ideal_cycle_s": 30, "total": 760, "good": 740}
      """
    Then the response field "oee" is within 0.0001 of 0.7708
    When I send a "week" request to "calculator" with:
      """
      {"shifts": 15, "planned_min": 480, "run_min": 420, "ideal_cycle_s": 30, "total": 760, "good": 740}
      """
    Then the response matches:
      """
      {"shifts": 15, "oee_each": 0.7708, "all_equal": true}
      """
