package engine

import (
	"context"
	"runtime"
	"sync"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

// loadListFiles parses the list files at paths, up to GOMAXPROCS of them
// at once (the UN list and the OFAC SDN list parse in about the same
// time), and returns them in the order of paths. When files fail, the
// error is the first failing path's, so that the message does not depend
// on which parse ended first.
func loadListFiles(ctx context.Context, paths []string) ([]*entity.List, error) {
	out := make([]*entity.List, len(paths))
	errs := make([]error, len(paths))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i, p := range paths {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], errs[i] = lists.Load(ctx, p, "")
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
