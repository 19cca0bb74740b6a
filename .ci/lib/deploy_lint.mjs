// Lints the deployment files with validators from npm (run by
// .ci/steps/26-deploy-lint.sh from the directory where they are installed):
//   - deploy/Dockerfile with dockerfile-utils (the parser and validator of
//     the VS Code Docker extension): any error or warning fails;
//   - every object of deploy/k8s/*.yaml with kubernetes-models, whose
//     validators are generated from the Kubernetes OpenAPI schemas: types,
//     required fields, enums and formats; the kinds must be ones it knows.
// Usage: node deploy_lint.mjs REPO_ROOT
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import YAML from "yaml";

const require = createRequire(import.meta.url);
const { validate: validateDockerfile } = require("dockerfile-utils");

const root = process.argv[2];
if (!root) {
  console.error("usage: node deploy_lint.mjs REPO_ROOT");
  process.exit(2);
}
let failures = 0;
const fail = (msg) => {
  console.error("FAIL " + msg);
  failures++;
};

// The Dockerfile.
const dockerfile = path.join(root, "deploy/Dockerfile");
const diags = validateDockerfile(fs.readFileSync(dockerfile, "utf8"));
for (const d of diags) {
  fail(`${dockerfile}:${d.range.start.line + 1}: ${d.severity === 1 ? "error" : "warning"}: ${d.message}`);
}
console.log(`${dockerfile}: ${diags.length} diagnostics (dockerfile-utils)`);

// The Kubernetes objects.
const kinds = {
  "apps/v1 Deployment": "kubernetes-models/apps/v1/Deployment",
  "batch/v1 CronJob": "kubernetes-models/batch/v1/CronJob",
  "v1 Service": "kubernetes-models/v1/Service",
  "v1 PersistentVolumeClaim": "kubernetes-models/v1/PersistentVolumeClaim",
  "policy/v1 PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
};
const dir = path.join(root, "deploy/k8s");
let objects = 0;
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
  const p = path.join(dir, f);
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(p, "utf8"))) {
    if (doc.errors.length) {
      for (const e of doc.errors) fail(`${p}: ${e.message}`);
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const key = `${obj.apiVersion} ${obj.kind}`;
    if (obj.kind === "Kustomization") {
      if (obj.apiVersion !== "kustomize.config.k8s.io/v1beta1") fail(`${p}: Kustomization apiVersion ${obj.apiVersion}`);
      continue;
    }
    const mod = kinds[key];
    if (!mod) {
      fail(`${p}: ${key} ${obj.metadata?.name}: no validator for this kind (add it to deploy_lint.mjs)`);
      continue;
    }
    const Model = (await import(mod))[obj.kind];
    try {
      new Model(obj).validate();
      objects++;
    } catch (e) {
      fail(`${p}: ${key} ${obj.metadata?.name}: ${e.message}`);
    }
  }
}
console.log(`${dir}: ${objects} objects valid (kubernetes-models)`);
if (failures) {
  console.error(`${failures} problems`);
  process.exit(1);
}
