// Framework data loader → the homework Web Worker (QuickJS + the test harness), one same-origin script.
import {bundleBrowserWorker} from "../src/sandboxBundle.js";

process.stdout.write(bundleBrowserWorker());
