package filestore

import (
	"testing"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) monitor.Store {
		s, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
