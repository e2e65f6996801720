@IQ @URS-001
Feature: Installation of the calculator

  Scenario: The calculator starts and reports its version
    Given the adapter "calculator" is started
    Then the adapter "calculator" reports version "1.0.0"
