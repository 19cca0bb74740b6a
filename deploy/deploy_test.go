package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/screen-compliance/screen/server"
)

// repo is the repository root, relative to this package.
const repo = ".."

// instruction is one Dockerfile instruction.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, ...
	args string
	line int
}

// parseDockerfile reads the instructions of a Dockerfile: comments and
// blank lines dropped, backslash continuations joined.
func parseDockerfile(t *testing.T, p string) []instruction {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	if cur.Len() > 0 {
		t.Fatalf("%s: a continuation at the end of the file", p)
	}
	return out
}

// goMod returns the module path and go version of go.mod.
func goMod(t *testing.T) (module, goVersion string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == "module" {
			module = f[1]
		}
		if len(f) == 2 && f[0] == "go" {
			goVersion = f[1]
		}
	}
	if module == "" || goVersion == "" {
		t.Fatal("go.mod has no module or go line")
	}
	return module, goVersion
}

// stage is one build stage of a Dockerfile.
type stage struct {
	from, name string
	ins        []instruction
}

func stages(ins []instruction) []stage {
	var out []stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			out = append(out, s)
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].ins = append(out[len(out)-1].ins, in)
		}
	}
	return out
}

// TestDockerfile: a multi-stage build of the module's command into a
// static binary, copied into a distroless image under the name the
// entrypoint runs, as a numeric non-root user, with the writable paths as
// volumes owned by that user.
func TestDockerfile(t *testing.T) {
	module, goVersion := goMod(t)
	ins := parseDockerfile(t, "Dockerfile")
	args := map[string]string{}
	for _, in := range ins {
		if in.cmd == "ARG" {
			k, v, _ := strings.Cut(in.args, "=")
			args[k] = v
		}
		if in.cmd == "FROM" {
			break
		}
	}
	if args["GO_VERSION"] != goVersion {
		t.Errorf("ARG GO_VERSION=%s, go.mod says go %s", args["GO_VERSION"], goVersion)
	}
	st := stages(ins)
	if len(st) < 2 {
		t.Fatalf("%d stages, want a build stage and a runtime stage", len(st))
	}
	build, final := st[0], st[len(st)-1]
	if !strings.HasPrefix(build.from, "golang:${GO_VERSION}") || build.name == "" {
		t.Errorf("build stage FROM %s AS %q: want golang:${GO_VERSION}... AS <name>", build.from, build.name)
	}

	// The build: CGO off, the module's ./cmd/<name> package, -o <path>.
	var out, pkg string
	for _, in := range build.ins {
		if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
			continue
		}
		if !strings.Contains(in.args, "CGO_ENABLED=0") {
			t.Errorf("line %d: go build without CGO_ENABLED=0: the binary would not be static", in.line)
		}
		f := strings.Fields(in.args[strings.Index(in.args, "go build"):])
		for i, a := range f {
			if a == "-o" && i+1 < len(f) {
				out = f[i+1]
			}
			if strings.HasPrefix(a, "./") && pkg == "" {
				pkg = a
			}
		}
	}
	if out == "" || pkg == "" {
		t.Fatalf("no `go build -o OUT ./PKG` in the build stage")
	}
	if pkg != "./cmd/screen" {
		t.Errorf("builds %s, want ./cmd/screen (%s/cmd/screen)", pkg, module)
	}
	srcs, err := filepath.Glob(filepath.Join(repo, filepath.FromSlash(pkg), "*.go"))
	if err != nil || len(srcs) == 0 {
		t.Fatalf("%s: no Go files (%v)", pkg, err)
	}
	for _, src := range srcs {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), src, nil, parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != "main" {
			t.Errorf("%s: package %s, not a main package", src, f.Name.Name)
		}
	}
	if path.Base(out) != path.Base(pkg) {
		t.Errorf("the binary is %s, the command %s", path.Base(out), path.Base(pkg))
	}

	// The runtime stage: no shell, the binary copied from the build, run
	// by the entrypoint, as a numeric non-root user.
	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") && final.from != "scratch" {
		t.Errorf("runtime stage FROM %s: want a static distroless base (no shell, no libc)", final.from)
	}
	var bin, user, entry string
	volumes := map[string]bool{}
	owned := map[string]string{}
	env := map[string]string{}
	for _, in := range final.ins {
		switch in.cmd {
		case "COPY":
			f := strings.Fields(in.args)
			chown := ""
			var paths []string
			from := ""
			for _, a := range f {
				switch {
				case strings.HasPrefix(a, "--from="):
					from = strings.TrimPrefix(a, "--from=")
				case strings.HasPrefix(a, "--chown="):
					chown = strings.TrimPrefix(a, "--chown=")
				default:
					paths = append(paths, a)
				}
			}
			if from == build.name && len(paths) == 2 && paths[0] == out {
				bin = paths[1]
			}
			if chown != "" && len(paths) == 2 {
				owned[paths[1]] = chown
			}
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			var e []string
			if err := json.Unmarshal([]byte(in.args), &e); err != nil || len(e) == 0 {
				t.Errorf("line %d: ENTRYPOINT %s: want the exec form (a JSON array)", in.line, in.args)
			} else {
				entry = e[0]
			}
		case "VOLUME":
			var v []string
			if err := json.Unmarshal([]byte(in.args), &v); err != nil {
				t.Errorf("line %d: VOLUME %s: %v", in.line, in.args, err)
			}
			for _, p := range v {
				volumes[p] = true
			}
		case "ENV":
			for _, kv := range strings.Fields(in.args) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
		}
	}
	if bin == "" || entry != bin {
		t.Errorf("the binary is copied to %q and the entrypoint runs %q", bin, entry)
	}
	if path.Base(bin) != "screen" {
		t.Errorf("the binary is named %s, want screen", path.Base(bin))
	}
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("USER %q: want a numeric non-root uid (Kubernetes' runAsNonRoot checks it)", user)
	}
	for _, v := range []string{"/data", "/snapshots", "/tmp"} {
		if !volumes[v] {
			t.Errorf("%s is not a VOLUME: a read-only root file system could not write it", v)
		}
		if v != "/tmp" && owned[v] != user {
			t.Errorf("%s is owned by %q, the user is %q: a new volume there would not be writable", v, owned[v], user)
		}
	}
	if env["SCREEN_STORE"] != "/data" {
		t.Errorf("SCREEN_STORE=%q, want /data", env["SCREEN_STORE"])
	}
}

// yamlDocs reads every YAML document of a file.
func yamlDocs(t *testing.T, p string) []map[string]any {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var out []map[string]any
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if m != nil {
			out = append(out, m)
		}
	}
}

// get walks a parsed YAML document: string keys for maps, int keys for
// lists. It returns nil when the path is missing.
func get(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, keys ...any) string {
	s, _ := get(v, keys...).(string)
	return s
}

func list(v any, keys ...any) []any {
	l, _ := get(v, keys...).([]any)
	return l
}

func strs(v any, keys ...any) []string {
	var out []string
	for _, x := range list(v, keys...) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// flagValue returns the value of --name in args (--name=v or --name v).
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
		if a == "--"+name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// TestCompose: PostgreSQL, a list-update job publishing snapshots to a
// volume, and at least two replicas reading it read-only once the job has
// succeeded and PostgreSQL is healthy; every screen container non-root on
// a read-only root file system.
func TestCompose(t *testing.T) {
	docs := yamlDocs(t, "compose.yaml")
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	c := docs[0]
	services, _ := get(c, "services").(map[string]any)
	if services["postgres"] == nil || !strings.HasPrefix(str(services, "postgres", "image"), "postgres:") {
		t.Fatal("no postgres service")
	}
	if get(services, "postgres", "healthcheck", "test") == nil {
		t.Error("postgres has no healthcheck: the replicas cannot wait for it")
	}
	declared, _ := get(c, "volumes").(map[string]any)
	mounts := func(name string) map[string]string { // target -> volume[:ro]
		out := map[string]string{}
		for _, v := range list(services, name, "volumes") {
			switch v := v.(type) {
			case string:
				parts := strings.Split(v, ":")
				if len(parts) < 2 {
					t.Errorf("%s: volume %q", name, v)
					continue
				}
				if _, ok := declared[parts[0]]; !ok {
					t.Errorf("%s: volume %s is not declared", name, parts[0])
				}
				src := parts[0]
				if len(parts) == 3 {
					src += ":" + parts[2]
				}
				out[parts[1]] = src
			case map[string]any:
				out[str(v, "target")] = str(v, "type")
			}
		}
		return out
	}
	var lists string
	var replicas []string
	for name := range services {
		cmd := strs(services, name, "command")
		switch {
		case len(cmd) >= 2 && cmd[0] == "lists" && cmd[1] == "update":
			lists = name
		case len(cmd) >= 1 && cmd[0] == "serve":
			replicas = append(replicas, name)
		}
	}
	slices.Sort(replicas)
	if lists == "" || len(replicas) < 2 {
		t.Fatalf("list job %q, replicas %v: want a `lists update` job and two `serve` replicas", lists, replicas)
	}
	dir, ok := flagValue(strs(services, lists, "command"), "snapshots")
	if !ok {
		t.Fatalf("%s does not publish (--snapshots DIR)", lists)
	}
	shared := mounts(lists)[dir]
	if shared == "" || strings.HasSuffix(shared, ":ro") {
		t.Errorf("%s: %s is mounted %q: want a writable named volume", lists, dir, shared)
	}
	for _, name := range append([]string{lists}, replicas...) {
		s := services[name]
		if str(s, "build", "dockerfile") != "deploy/Dockerfile" {
			t.Errorf("%s: built from %q, want deploy/Dockerfile", name, str(s, "build", "dockerfile"))
		} else if _, err := os.Stat(filepath.Join(filepath.Dir("compose.yaml"), str(s, "build", "context"), "deploy", "Dockerfile")); err != nil {
			t.Errorf("%s: build context: %v", name, err)
		}
		if get(s, "read_only") != true {
			t.Errorf("%s: the root file system is not read-only", name)
		}
		uid, _, _ := strings.Cut(str(s, "user"), ":")
		if n, err := strconv.Atoi(uid); err != nil || n == 0 {
			t.Errorf("%s: user %q: want a numeric non-root uid", name, str(s, "user"))
		}
		if !slices.Contains(strs(s, "tmpfs"), "/tmp") {
			t.Errorf("%s: /tmp is not writable (tmpfs)", name)
		}
		if !slices.Contains(strs(s, "cap_drop"), "ALL") {
			t.Errorf("%s: capabilities not dropped", name)
		}
		if _, ok := mounts(name)["/data"]; !ok {
			t.Errorf("%s: /data (the store, the working directory) is not a volume", name)
		}
	}
	for _, name := range replicas {
		cmd := strs(services, name, "command")
		if d, _ := flagValue(cmd, "snapshots"); d != dir {
			t.Errorf("%s reads snapshots from %q, the job publishes to %q", name, d, dir)
		}
		if m := mounts(name)[dir]; m != strings.TrimSuffix(shared, ":ro")+":ro" {
			t.Errorf("%s: %s mounted %q, want the job's volume read-only", name, dir, m)
		}
		if str(services, name, "depends_on", lists, "condition") != "service_completed_successfully" {
			t.Errorf("%s does not wait for the list job to publish", name)
		}
		if str(services, name, "depends_on", "postgres", "condition") != "service_healthy" {
			t.Errorf("%s does not wait for PostgreSQL", name)
		}
		if db := str(services, name, "environment", "SCREEN_DB"); !strings.Contains(db, "@postgres:") {
			t.Errorf("%s: SCREEN_DB %q does not name the postgres service", name, db)
		}
		if tf, ok := flagValue(cmd, "token-file"); !ok || !strings.HasPrefix(tf, "/run/secrets/") {
			t.Errorf("%s listens beyond loopback without --token-file from a secret", name)
		}
	}
}

// k8sObjects reads every object of deploy/k8s, by "Kind/name", and checks
// that the Kustomization lists exactly the other files.
func k8sObjects(t *testing.T) (map[string]map[string]any, map[string]any) {
	t.Helper()
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string]map[string]any{}
	var kust map[string]any
	var others []string
	for _, f := range files {
		for _, d := range yamlDocs(t, f) {
			if str(d, "kind") == "Kustomization" {
				kust = d
				continue
			}
			key := str(d, "kind") + "/" + str(d, "metadata", "name")
			if str(d, "apiVersion") == "" || str(d, "metadata", "name") == "" {
				t.Errorf("%s: an object without apiVersion or name: %s", f, key)
			}
			if objs[key] != nil {
				t.Errorf("%s twice", key)
			}
			objs[key] = d
		}
		if filepath.Base(f) != "kustomization.yaml" {
			others = append(others, filepath.Base(f))
		}
	}
	if kust == nil {
		t.Fatal("no kustomization.yaml")
	}
	res := strs(kust, "resources")
	slices.Sort(res)
	if !slices.Equal(res, others) {
		t.Errorf("kustomization resources %v, files %v", res, others)
	}
	return objs, kust
}

// podChecks checks a pod template: non-root, read-only root file system,
// no privilege escalation, capabilities dropped, mounts backed by volumes,
// /tmp writable, an image the Kustomization sets. It returns the volumes
// by name.
func podChecks(t *testing.T, what string, pod any, images []string) map[string]any {
	t.Helper()
	if get(pod, "securityContext", "runAsNonRoot") != true {
		t.Errorf("%s: runAsNonRoot is not set", what)
	}
	if uid, ok := get(pod, "securityContext", "runAsUser").(int); !ok || uid == 0 {
		t.Errorf("%s: runAsUser %v: want a non-root uid", what, get(pod, "securityContext", "runAsUser"))
	}
	vols := map[string]any{}
	for _, v := range list(pod, "volumes") {
		vols[str(v, "name")] = v
	}
	containers := list(pod, "containers")
	if len(containers) == 0 {
		t.Fatalf("%s: no containers", what)
	}
	for _, c := range containers {
		cw := what + " container " + str(c, "name")
		img := str(c, "image")
		if img == "" || !slices.Contains(images, strings.SplitN(img, ":", 2)[0]) {
			t.Errorf("%s: image %q is not one the kustomization sets (%v)", cw, img, images)
		}
		sc := get(c, "securityContext")
		if get(sc, "readOnlyRootFilesystem") != true {
			t.Errorf("%s: readOnlyRootFilesystem is not true", cw)
		}
		if get(sc, "allowPrivilegeEscalation") != false {
			t.Errorf("%s: allowPrivilegeEscalation is not false", cw)
		}
		if !slices.Contains(strs(sc, "capabilities", "drop"), "ALL") {
			t.Errorf("%s: capabilities are not dropped", cw)
		}
		tmp := false
		for _, m := range list(c, "volumeMounts") {
			if vols[str(m, "name")] == nil {
				t.Errorf("%s: mount %s has no volume", cw, str(m, "name"))
			}
			tmp = tmp || str(m, "mountPath") == "/tmp"
		}
		if !tmp {
			t.Errorf("%s: /tmp is not a volume: the read-only root file system leaves it unwritable", cw)
		}
	}
	return vols
}

// mountOf returns the volume and readOnly flag of the mount at dir.
func mountOf(c any, dir string) (string, bool) {
	for _, m := range list(c, "volumeMounts") {
		if str(m, "mountPath") == dir {
			return str(m, "name"), get(m, "readOnly") == true
		}
	}
	return "", false
}

// TestKubernetes: the Deployment runs at least two replicas of serve on
// the published snapshots (read-only), ready on /readyz; the Service and
// the PodDisruptionBudget select its pods; the CronJob runs the list
// update, one at a time, publishing to the same claim; the claims exist.
func TestKubernetes(t *testing.T) {
	objs, kust := k8sObjects(t)
	var images []string
	for _, im := range list(kust, "images") {
		images = append(images, str(im, "name"))
	}
	dep := objs["Deployment/screen"]
	cron := objs["CronJob/screen-lists"]
	svc := objs["Service/screen"]
	if dep == nil || cron == nil || svc == nil || objs["PodDisruptionBudget/screen"] == nil {
		t.Fatalf("objects %v: want Deployment/screen, Service/screen, PodDisruptionBudget/screen, CronJob/screen-lists", keys(objs))
	}
	if str(dep, "apiVersion") != "apps/v1" || str(cron, "apiVersion") != "batch/v1" || str(svc, "apiVersion") != "v1" {
		t.Error("apiVersions: want apps/v1 Deployment, batch/v1 CronJob, v1 Service")
	}

	// The Deployment.
	if n, _ := get(dep, "spec", "replicas").(int); n < 2 {
		t.Errorf("replicas %v, want at least 2", get(dep, "spec", "replicas"))
	}
	pod := get(dep, "spec", "template", "spec")
	labels, _ := get(dep, "spec", "template", "metadata", "labels").(map[string]any)
	if !subset(get(dep, "spec", "selector", "matchLabels"), labels) {
		t.Error("the Deployment's selector does not match its pods")
	}
	vols := podChecks(t, "Deployment", pod, images)
	c := get(pod, "containers", 0)
	args := strs(c, "args")
	if len(args) == 0 || args[0] != "serve" {
		t.Fatalf("the Deployment runs %v, want serve", args)
	}
	ports := map[string]int{}
	for _, p := range list(c, "ports") {
		n, _ := get(p, "containerPort").(int)
		ports[str(p, "name")] = n
	}
	addr, _ := flagValue(args, "addr")
	if _, port, _ := strings.Cut(addr, ":"); port != strconv.Itoa(ports["http"]) || !strings.HasPrefix(addr, "0.0.0.0:") {
		t.Errorf("serve listens on %q, the container port http is %d", addr, ports["http"])
	}
	for probe, want := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		if p := str(c, probe, "httpGet", "path"); p != want {
			t.Errorf("%s path %q, want %s", probe, p, want)
		}
		if port := get(c, probe, "httpGet", "port"); port != "http" {
			t.Errorf("%s port %v, want the container port http", probe, port)
		}
	}
	snapDir, ok := flagValue(args, "snapshots")
	if !ok {
		t.Fatal("serve does not read published snapshots (--snapshots)")
	}
	if _, ok := flagValue(args, "reload-every"); !ok {
		t.Error("serve has no --reload-every: replicas would never switch to a new snapshot")
	}
	if tf, ok := flagValue(args, "token-file"); !ok {
		t.Error("serve listens on 0.0.0.0 without --token-file")
	} else if v, _ := mountOf(c, path.Dir(tf)); get(vols[v], "secret") == nil {
		t.Errorf("--token-file %s is not on a Secret volume", tf)
	}
	depVol, ro := mountOf(c, snapDir)
	if !ro {
		t.Errorf("the replicas mount %s writable: they only read it", snapDir)
	}
	claim := str(vols[depVol], "persistentVolumeClaim", "claimName")

	// The Service and the PDB select the pods.
	if !subset(get(svc, "spec", "selector"), labels) {
		t.Error("the Service selects no pod of the Deployment")
	}
	if tp := str(svc, "spec", "ports", 0, "targetPort"); ports[tp] == 0 {
		t.Errorf("the Service targets port %q, not a container port", tp)
	}
	if !subset(get(objs["PodDisruptionBudget/screen"], "spec", "selector", "matchLabels"), labels) {
		t.Error("the PodDisruptionBudget selects no pod of the Deployment")
	}

	// The CronJob.
	if f := strings.Fields(str(cron, "spec", "schedule")); len(f) != 5 {
		t.Errorf("schedule %q: want five cron fields", str(cron, "spec", "schedule"))
	}
	if str(cron, "spec", "concurrencyPolicy") != "Forbid" {
		t.Error("concurrencyPolicy is not Forbid: two publishers could run at once")
	}
	jpod := get(cron, "spec", "jobTemplate", "spec", "template", "spec")
	if rp := str(jpod, "restartPolicy"); rp != "Never" && rp != "OnFailure" {
		t.Errorf("restartPolicy %q", rp)
	}
	jvols := podChecks(t, "CronJob", jpod, images)
	jc := get(jpod, "containers", 0)
	jargs := strs(jc, "args")
	if len(jargs) < 2 || jargs[0] != "lists" || jargs[1] != "update" {
		t.Fatalf("the CronJob runs %v, want lists update", jargs)
	}
	jdir, ok := flagValue(jargs, "snapshots")
	if !ok {
		t.Fatal("the CronJob does not publish (--snapshots DIR)")
	}
	jvol, jro := mountOf(jc, jdir)
	if jro || str(jvols[jvol], "persistentVolumeClaim", "claimName") != claim || claim == "" {
		t.Errorf("the CronJob publishes to claim %q (read-only %v), the replicas read claim %q",
			str(jvols[jvol], "persistentVolumeClaim", "claimName"), jro, claim)
	}
	if modes := strs(objs["PersistentVolumeClaim/"+claim], "spec", "accessModes"); !slices.Contains(modes, "ReadWriteMany") {
		t.Errorf("claim %s: access modes %v: the job and every replica mount it, want ReadWriteMany", claim, modes)
	}
	for _, vols := range []map[string]any{vols, jvols} {
		for name, v := range vols {
			if cn := str(v, "persistentVolumeClaim", "claimName"); cn != "" && objs["PersistentVolumeClaim/"+cn] == nil {
				t.Errorf("volume %s: claim %s is not defined", name, cn)
			}
		}
	}
}

// TestProbeRoutes: the routes the probes use are the server's: /healthz
// answers while the lists load, /readyz only once they are in.
func TestProbeRoutes(t *testing.T) {
	srv := httptest.NewServer(server.New(nil, server.Options{}))
	defer srv.Close()
	for p, want := range map[string]int{"/healthz": http.StatusOK, "/readyz": http.StatusServiceUnavailable} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s before the lists are loaded: %d, want %d", p, res.StatusCode, want)
		}
	}
}

// subset reports whether every key of sel has the same value in labels
// (and sel is not empty).
func subset(sel any, labels map[string]any) bool {
	m, ok := sel.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	for k, v := range m {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func keys(m map[string]map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestManifestsHaveNoPlaceholders: no TODO or credentials in the files.
func TestManifestsHaveNoPlaceholders(t *testing.T) {
	re := regexp.MustCompile(`(?i)\bTODO\b|password\s*[:=]\s*["']?[a-z0-9]{6,}`)
	files, _ := filepath.Glob("k8s/*.yaml")
	for _, f := range append(files, "compose.yaml", "Dockerfile") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := re.Find(b); m != nil {
			t.Errorf("%s: %q", f, m)
		}
	}
}
