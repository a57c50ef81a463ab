#!/usr/bin/env bun
// Before anything that loads tsyringe (the compiled binary ignores bunfig preload).
import "reflect-metadata";
import { runCli } from "./cli/commands.ts";

process.exitCode = await runCli(process.argv.slice(2));
