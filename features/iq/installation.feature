@IQ
Feature: qualify-bridge is installed as designed
  Installation qualification: the program that runs is the installed binary in the approved
  version, its database has the designed schema, it runs with the approved configuration file,
  and the MES master data it loads is the approved one.

  Background:
    Given the adapter "bridge" is started

  @URS-013
  Scenario: The running bridge is the installed binary in the approved version
    Then the adapter "bridge" reports version "0.1.0"
    When I send a "config" request to "bridge"
    Then the request succeeds
    And the response field "name" equals "qualify-bridge"
    And the response field "version" equals "0.1.0"
    And the response field "executable.sha256" matches:
      """
      "#regex [0-9a-f]{64}"
      """
    And the response field "executable.sha256" equals "${adapter.bridge.sha256}"

  @URS-013
  Scenario: The database has schema version 1 with the designed tables
    When I send a "config" request to "bridge"
    Then the response field "schema_version" equals 1
    And the query "PRAGMA user_version" on "mes" returns:
      | user_version |
      | 1            |
    And the query "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name" on "mes" returns:
      | name              |
      | bridge_log        |
      | downtime_events   |
      | equipment         |
      | equipment_mapping |
      | job_orders        |
      | order_events      |
      | production_events |
      | quarantine        |

  @URS-013
  Scenario: A completion record has the designed columns
    When I send a "config" request to "bridge"
    Then the request succeeds
    And the query "SELECT group_concat(name, ',') AS columns FROM (SELECT name FROM pragma_table_info('production_events') ORDER BY cid)" on "mes" returns:
      | columns                                                                                                                                                                                 |
      | id,order_id,operation,part_number,revision,serial,batch,equipment_id,asset_id,device_id,result,source_time,source_ts_ms,received_time,historical,cycle_time_ms,origin |

  @URS-013
  Scenario: The bridge runs with the approved configuration file
    When I send a "config" request to "bridge"
    Then the request succeeds
    And I remember the response field "config_sha256" as "config_sha256"
    And the file "bridge/config/bridge.yaml" has SHA-256 "${config_sha256}"
    And the file "bridge/config/bridge.yaml" has SHA-256 "0380de1940d18f5038134af5e3853f482469866234763d5e7a8813346586b952"

  @URS-013
  Scenario Outline: Configuration value <setting> is installed as approved
    When I send a "config" request to "bridge"
    Then the request succeeds
    And the response field "config.<setting>" equals <value>

    Examples:
      | setting                   | value |
      | reorder_window_ms         | 2000  |
      | skew_tolerance_ms         | 500   |
      | ideal_cycle_time_ms.P-100 | 1000  |
      | ideal_cycle_time_ms.P-200 | 2000  |

  @URS-013
  Scenario: The approved master data is loaded with the approved digest
    Given the table "equipment" on "mes" contains:
      | equipment_id | description | area     |
      | WC-PRESS-01  | Press 1     | Stamping |
      | WC-PRESS-02  | Press 2     | Stamping |
      | WC-PRESS-07  | Press 7     | Stamping |
    And the table "equipment_mapping" on "mes" contains:
      | device_id                    | work_center | asset_id |
      | Line1/edge1/press1           | WC-PRESS-01 | AS-4711  |
      | Line1/edge1/press2           | WC-PRESS-02 | AS-4712  |
      | Plant1/edge-press-07/press07 | WC-PRESS-07 | AS-0707  |
    When I send a "config" request to "bridge"
    Then the response field "master_data" equals {"loaded": false, "rows": 0, "digest": null}
    When I send a "load_master_data" request to "bridge"
    Then the request succeeds
    And the response field "rows" equals 3
    And the response field "digest" equals "ae327e3692aab86e62778a065a87ec92528cd207814c532c2a7861eb66be8d03"
    When I send a "config" request to "bridge"
    Then the response field "master_data" equals {"loaded": true, "rows": 3, "digest": "ae327e3692aab86e62778a065a87ec92528cd207814c532c2a7861eb66be8d03"}

  @URS-014
  Scenario: The shift simulator used for PQ is the approved version
    Given the adapter "shift" is started
    Then the adapter "shift" reports version "0.1.0"
