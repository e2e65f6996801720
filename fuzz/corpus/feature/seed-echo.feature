@OQ @URS-001
Feature: Echo
  Scenario: echo passes
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 1

  Scenario Outline: echo deviates for <value>
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals <value>

    @URS-002
    Examples:
      | value |
      | 2     |
