// Package deploy holds screen's deployment files and the tests that check
// them; it has no Go code of its own:
//
//	Dockerfile      multi-stage build of a static binary (CGO_ENABLED=0) on
//	                a distroless base, non-root, for a read-only root file
//	                system (writable /data, /snapshots and /tmp as volumes)
//	compose.yaml    PostgreSQL, two `screen serve` replicas and the
//	                list-update job that publishes list snapshots
//	k8s/            a Kustomization: Deployment (readiness on /readyz),
//	                Service, PodDisruptionBudget, the list-update CronJob
//	                and the volume claims
//
// The tests parse these files and check what a platform team relies on:
// the build command and binary name match the module, every container runs
// as non-root on a read-only root file system with its writable paths on
// volumes, the probes hit routes the server has, the list job and the
// replicas share one snapshot volume. .ci/steps/25-deploy-lint.sh also
// runs outside validators on them (see docs/scaling.md).
package deploy
