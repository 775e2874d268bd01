#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  alarmFinding,
  exceptionFinding,
  renderFindingsOcsf
} from "./chunk-XKOS33HO.js";
import "./chunk-UFE3WVNL.js";
import "./chunk-GCCZYBLX.js";
import "./chunk-KB55KBSJ.js";
export {
  alarmFinding,
  exceptionFinding,
  renderFindingsOcsf
};
