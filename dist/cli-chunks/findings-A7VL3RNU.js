#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  alarmFinding,
  exceptionFinding,
  renderFindingsOcsf
} from "./chunk-K25ENMQR.js";
import "./chunk-XCJBLXJ2.js";
import "./chunk-GCCZYBLX.js";
import "./chunk-KB55KBSJ.js";
export {
  alarmFinding,
  exceptionFinding,
  renderFindingsOcsf
};
