#!/usr/bin/env bun
import { runCli } from "./cli/commands.ts";

process.exitCode = await runCli(process.argv.slice(2));
