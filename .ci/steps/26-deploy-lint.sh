#!/usr/bin/env bash
# Consumer check: the deployment files (deploy/) in the validators of the
# tools that consume them. Docker cannot run here, so nothing is built or
# started; instead:
#   - deploy/compose.yaml is loaded by compose-go, Docker Compose's own
#     loader (schema, interpolation, merges, references);
#   - deploy/k8s/*.yaml is decoded strictly into the Kubernetes API types
#     (k8s.io/api: unknown fields, wrong types) and validated against the
#     Kubernetes OpenAPI schemas by kubernetes-models (npm: required fields,
#     enums, formats);
#   - deploy/Dockerfile is validated by dockerfile-utils (npm; the VS Code
#     Docker extension's validator): no error, no warning;
#   - the structural tests of ./deploy and cmd/screen's TestDeployCommandLines
#     (non-root, read-only root file system, probes on /readyz and /healthz,
#     shared snapshot volume, build command and binary name, real flags).
# hadolint is in neither npm nor Debian (bookworm); kubeconform is on the Go
# module proxy, but the Kubernetes JSON schemas it needs are downloaded from
# GitHub, which CI cannot reach: the two checks above stand in for it.
set -euo pipefail
source .ci/lib/common.sh
ci_tmpdir
work=$CI_TMP

echo "compose-go and k8s.io/api (deploy/lint)"
(cd deploy/lint && go vet . && go run . -compose ../compose.yaml -k8s ../k8s)

echo "dockerfile-utils and kubernetes-models (npm)"
ci_npm "$work/node" dockerfile-utils@0.16.3 kubernetes-models@5.1.0 yaml@2.9.1
cp .ci/lib/deploy_lint.mjs "$work/node/"
node "$work/node/deploy_lint.mjs" "$PWD"

echo "structural tests"
go test -count=1 ./deploy
go test -count=1 -run 'TestDeployCommandLines' ./cmd/screen
