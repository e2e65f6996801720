#!/usr/bin/env node
// Encodes and decodes Sparkplug B payloads with Eclipse Tahu's JavaScript codec
// (npm sparkplug-payload), converting between Tahu's object form (camelCase keys, Long for
// 64-bit integers, Buffer for bytes) and qualify's JSON form (snake_case keys, base64 bytes;
// here 64-bit integers past 2^53 travel as decimal strings, which JSON numbers cannot hold in
// JavaScript). Only key names and number/byte representations are converted: every byte on the
// wire is Tahu's.
//
//   node tahu.js encode < payload.json   -> base64 protobuf on stdout
//   node tahu.js decode < base64         -> payload JSON on stdout
'use strict';
const Long = require('long');
const tahu = require('sparkplug-payload').get('spBv1.0');

const LONG_TYPES = new Set(['Int64', 'UInt64', 'DateTime', 'UInt32']);

function toLong(value, type) {
  if (typeof value === 'string') return Long.fromString(value, type !== 'Int64');
  return value;
}

function fromLong(value) {
  if (Long.isLong(value)) {
    const n = value.toNumber();
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  return value;
}

function encodeValue(type, value) {
  if (value === null || value === undefined) return value;
  if (LONG_TYPES.has(type)) return toLong(value, type);
  if (type === 'Bytes' || type === 'File') return Buffer.from(value, 'base64');
  if (type === 'DataSet') {
    return {
      numOfColumns: value.num_of_columns !== undefined ? value.num_of_columns : value.columns.length,
      columns: value.columns,
      types: value.types,
      rows: value.rows.map((row) => row.map((cell, i) => encodeValue(value.types[i], cell))),
    };
  }
  if (type === 'Template') {
    const t = {};
    if (value.version !== undefined) t.version = value.version;
    if (value.template_ref !== undefined) t.templateRef = value.template_ref;
    if (value.is_definition !== undefined) t.isDefinition = value.is_definition;
    t.metrics = (value.metrics || []).map(encodeMetric);
    t.parameters = (value.parameters || []).map((p) => ({ name: p.name, type: p.type, value: encodeValue(p.type, p.value) }));
    return t;
  }
  if (type === 'PropertySet') return encodeProperties(value);
  if (type === 'PropertySetList') return value.map(encodeProperties);
  return value;
}

function encodeProperties(props) {
  const out = {};
  for (const key of Object.keys(props)) {
    out[key] = { type: props[key].type, value: encodeValue(props[key].type, props[key].value) };
  }
  return out;
}

const METADATA_KEYS = {
  is_multi_part: 'isMultiPart', content_type: 'contentType', size: 'size', seq: 'seq',
  file_name: 'fileName', file_type: 'fileType', md5: 'md5', description: 'description',
};

function encodeMetric(m) {
  const out = { type: m.type, value: encodeValue(m.type, m.value) };
  if (m.name !== undefined) out.name = m.name;
  if (m.alias !== undefined) out.alias = m.alias;
  if (m.timestamp !== undefined) out.timestamp = toLong(m.timestamp, 'UInt64');
  if (m.is_historical !== undefined) out.isHistorical = m.is_historical;
  if (m.is_transient !== undefined) out.isTransient = m.is_transient;
  if (m.metadata !== undefined) {
    out.metadata = {};
    for (const k of Object.keys(m.metadata)) out.metadata[METADATA_KEYS[k]] = m.metadata[k];
  }
  if (m.properties !== undefined) out.properties = encodeProperties(m.properties);
  return out;
}

function encodePayload(p) {
  const out = { timestamp: p.timestamp };
  if (p.metrics !== undefined) out.metrics = p.metrics.map(encodeMetric);
  if (p.seq !== undefined) out.seq = p.seq;
  if (p.uuid !== undefined) out.uuid = p.uuid;
  if (p.body !== undefined) out.body = Buffer.from(p.body, 'base64');
  return out;
}

function decodeValue(type, value) {
  if (value === null || value === undefined) return null;
  if (Long.isLong(value)) return fromLong(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (type === 'DataSet') {
    return {
      num_of_columns: fromLong(value.numOfColumns),
      columns: value.columns,
      types: value.types,
      rows: value.rows.map((row) => row.map((cell) => decodeValue(null, cell))),
    };
  }
  if (type === 'Template') {
    const t = {};
    if (value.version !== undefined) t.version = value.version;
    if (value.templateRef !== undefined) t.template_ref = value.templateRef;
    if (value.isDefinition !== undefined) t.is_definition = value.isDefinition;
    t.metrics = (value.metrics || []).map(decodeMetric);
    t.parameters = (value.parameters || []).map((p) => ({ name: p.name, type: p.type, value: decodeValue(p.type, p.value) }));
    return t;
  }
  if (type === 'PropertySet') return decodeProperties(value);
  if (type === 'PropertySetList') return value.map(decodeProperties);
  return value;
}

function decodeProperties(props) {
  const out = {};
  for (const key of Object.keys(props)) {
    out[key] = { type: props[key].type, value: decodeValue(props[key].type, props[key].value) };
  }
  return out;
}

function decodeMetric(m) {
  const out = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.alias !== undefined) out.alias = fromLong(m.alias);
  if (m.timestamp !== undefined) out.timestamp = fromLong(m.timestamp);
  out.type = m.type;
  out.value = decodeValue(m.type, m.value);
  if (m.isHistorical !== undefined) out.is_historical = m.isHistorical;
  if (m.isTransient !== undefined) out.is_transient = m.isTransient;
  if (m.metadata !== undefined) {
    out.metadata = {};
    const back = Object.fromEntries(Object.entries(METADATA_KEYS).map(([k, v]) => [v, k]));
    for (const k of Object.keys(m.metadata)) out.metadata[back[k]] = fromLong(m.metadata[k]);
  }
  if (m.properties !== undefined) out.properties = decodeProperties(m.properties);
  return out;
}

function decodePayload(p) {
  const out = {};
  if (p.timestamp !== undefined) out.timestamp = fromLong(p.timestamp);
  if (p.seq !== undefined) out.seq = fromLong(p.seq);
  if (p.uuid !== undefined) out.uuid = p.uuid;
  if (p.body !== undefined) out.body = Buffer.from(p.body).toString('base64');
  out.metrics = (p.metrics || []).map(decodeMetric);
  return out;
}

const input = require('fs').readFileSync(0, 'utf8');
const mode = process.argv[2];
if (mode === 'encode') {
  const bytes = tahu.encodePayload(encodePayload(JSON.parse(input)));
  process.stdout.write(Buffer.from(bytes).toString('base64'));
} else if (mode === 'decode') {
  const payload = tahu.decodePayload(Buffer.from(input.trim(), 'base64'));
  process.stdout.write(JSON.stringify(decodePayload(payload)));
} else {
  process.stderr.write('usage: node tahu.js encode|decode\n');
  process.exit(2);
}
