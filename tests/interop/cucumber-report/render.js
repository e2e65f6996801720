// Renders a Cucumber JSON file to HTML with cucumber-html-reporter (pinned in package.json and
// package-lock.json), for tests/integration/report_formats.rs.
// Usage: node render.js CUCUMBER_JSON OUTPUT_HTML
// Exits 0 only when the reporter returned without error and wrote a non-empty OUTPUT_HTML.
'use strict';
const fs = require('fs');
const reporter = require('cucumber-html-reporter');

const [jsonFile, output] = process.argv.slice(2);
if (!jsonFile || !output) {
  console.error('usage: node render.js CUCUMBER_JSON OUTPUT_HTML');
  process.exit(2);
}
let failure = null;
const ok = reporter.generate(
  {
    theme: 'bootstrap',
    jsonFile,
    output,
    reportSuiteAsScenarios: true,
    launchReport: false,
    ignoreBadJsonFile: false,
    brandTitle: 'qualify',
  },
  (err) => {
    if (err) failure = err;
  },
);
if (failure || ok === false) {
  console.error(`cucumber-html-reporter failed: ${failure || 'invalid JSON'}`);
  process.exit(1);
}
if (!fs.existsSync(output) || fs.statSync(output).size === 0) {
  console.error(`cucumber-html-reporter wrote no report at ${output}`);
  process.exit(1);
}
