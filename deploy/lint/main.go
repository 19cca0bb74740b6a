// Command lint validates screen's deployment files with the libraries their
// consumers use, for .ci/steps/26-deploy-lint.sh:
//
//   - deploy/compose.yaml is loaded by compose-go, the loader of Docker
//     Compose itself: the Compose Specification's schema, interpolation,
//     anchors and merges, references between services, volumes and secrets;
//   - every object of deploy/k8s/*.yaml is decoded strictly into its
//     Kubernetes API type (k8s.io/api): an unknown or misspelt field, a
//     value of the wrong type or a field given twice is an error.
//
// It is a module of its own so that these libraries never enter screen's
// go.mod. Usage: go run . -compose ../compose.yaml -k8s ../k8s
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
	yamlv3 "gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	compose := flag.String("compose", "", "compose `FILE` to load")
	k8s := flag.String("k8s", "", "`DIR` of Kubernetes manifests")
	flag.Parse()
	problems := 0
	if *compose != "" {
		if err := lintCompose(context.Background(), *compose); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", *compose, err)
			problems++
		}
	}
	if *k8s != "" {
		n, errs := lintKubernetes(*k8s)
		for _, err := range errs {
			fmt.Fprintf(os.Stderr, "FAIL %v\n", err)
		}
		problems += len(errs)
		fmt.Printf("%s: %d objects decoded strictly (k8s.io/api)\n", *k8s, n)
	}
	if problems > 0 {
		fmt.Fprintf(os.Stderr, "%d problems\n", problems)
		os.Exit(1)
	}
}

// lintCompose loads a compose file as `docker compose config` does, with
// the variables it requires set to placeholders.
func lintCompose(ctx context.Context, file string) error {
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithEnv([]string{"SCREEN_DB_PASSWORD=lint"}),
		cli.WithName("screen"),
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return err
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		return err
	}
	names := p.ServiceNames()
	sort.Strings(names)
	fmt.Printf("%s: project %s, services %v (compose-go)\n", file, p.Name, names)
	return nil
}

// newObject returns a new object of the Go type of "apiVersion kind", or
// nil for a kind this linter does not know.
func newObject(key string) any {
	switch key {
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}
	case "batch/v1 CronJob":
		return &batchv1.CronJob{}
	case "v1 Service":
		return &corev1.Service{}
	case "v1 PersistentVolumeClaim":
		return &corev1.PersistentVolumeClaim{}
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}
	case "kustomize.config.k8s.io/v1beta1 Kustomization":
		return &kustomization{}
	}
	return nil
}

// kustomization is the part of kustomize's Kustomization used here.
type kustomization struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Labels     []struct {
		Pairs            map[string]string `json:"pairs"`
		IncludeSelectors bool              `json:"includeSelectors,omitempty"`
	} `json:"labels,omitempty"`
	Resources []string `json:"resources"`
	Images    []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
		Digest  string `json:"digest,omitempty"`
	} `json:"images,omitempty"`
}

// lintKubernetes decodes every document of the YAML files in dir strictly
// into its type.
func lintKubernetes(dir string) (int, []error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return 0, []error{fmt.Errorf("%s: no manifests (%v)", dir, err)}
	}
	var errs []error
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		dec := yamlv3.NewDecoder(bytes.NewReader(b))
		for i := 0; ; i++ {
			var node yamlv3.Node
			err := dec.Decode(&node)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: document %d: %w", f, i+1, err))
				break
			}
			doc, err := yamlv3.Marshal(&node)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: document %d: %w", f, i+1, err))
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal(doc, &head); err != nil {
				errs = append(errs, fmt.Errorf("%s: document %d: %w", f, i+1, err))
				continue
			}
			obj := newObject(head.APIVersion + " " + head.Kind)
			if obj == nil {
				errs = append(errs, fmt.Errorf("%s: document %d: %s %s: no type for this kind (add it to deploy/lint)", f, i+1, head.APIVersion, head.Kind))
				continue
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				errs = append(errs, fmt.Errorf("%s: document %d (%s): %w", f, i+1, head.Kind, err))
				continue
			}
			n++
		}
	}
	return n, errs
}
