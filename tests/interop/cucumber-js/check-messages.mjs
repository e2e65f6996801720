// Reads a messages.ndjson the way Cucumber's own tools do, and reports what they made of it:
//   node check-messages.mjs MESSAGES.ndjson OUT_DIR
// 1. every envelope is validated against the JSON schema shipped by @cucumber/messages (ajv,
//    JSON Schema 2020-12); 2. @cucumber/junit-xml-formatter converts the stream to OUT_DIR/junit.xml
//    (its Query throws on a reference to an unknown id); 3. @cucumber/html-formatter renders it to
//    OUT_DIR/report.html. Prints one JSON object: counts, schema errors and the JUnit summary.
import { readFileSync, writeFileSync, createWriteStream } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import Ajv2020 from 'ajv/dist/2020.js'
import { JUnitXmlPrinter } from '@cucumber/junit-xml-formatter'
import { CucumberHtmlStream } from '@cucumber/html-formatter'

const [file, outDir] = process.argv.slice(2)
// The schema file is not among the package's exports: read it from its folder.
const here = dirname(fileURLToPath(import.meta.url))
const schemaFile = join(here, 'node_modules/@cucumber/messages/messages.schema.json')
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'))
const ajv = new Ajv2020({ strict: false, allErrors: true })
const validate = ajv.compile(schema)

const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0)
const envelopes = []
const schemaErrors = []
const kinds = {}
lines.forEach((line, i) => {
  const envelope = JSON.parse(line)
  envelopes.push(envelope)
  for (const k of Object.keys(envelope)) kinds[k] = (kinds[k] || 0) + 1
  if (!validate(envelope)) {
    schemaErrors.push({ line: i + 1, errors: validate.errors.map((e) => `${e.instancePath} ${e.message}`) })
  }
})

let xml = ''
const printer = new JUnitXmlPrinter({ suiteName: 'qualify' }, (s) => { xml += s })
for (const e of envelopes) printer.update(e)
writeFileSync(join(outDir, 'junit.xml'), xml)
const suite = xml.match(/<testsuite[^>]*>/)?.[0] ?? ''
const attr = (name) => Number(suite.match(new RegExp(` ${name}="(\\d+)"`))?.[1] ?? -1)
const testcases = [...xml.matchAll(/<testcase [^>]*name="([^"]*)"/g)].map((m) => m[1])

await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(join(outDir, 'report.html')))

console.log(JSON.stringify({
  envelopes: envelopes.length,
  kinds,
  schemaErrors,
  junit: { tests: attr('tests'), failures: attr('failures'), skipped: attr('skipped'), errors: attr('errors'), testcases },
}))
