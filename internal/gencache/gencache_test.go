package gencache

import (
	"sync"
	"testing"
)

func TestGenerations(t *testing.T) {
	c := New[int, string](2)
	c.Put(1, "a")
	c.Put(2, "b")
	c.Put(3, "c") // {1,2} become old
	if v, ok := c.Get(1); !ok || v != "a" {
		t.Fatalf("Get(1) = %q, %v: an old entry must still be found", v, ok)
	}
	// 1 moved to the current generation {3,1}; the next put retires {2}
	c.Put(4, "d")
	if _, ok := c.Get(2); ok {
		t.Error("entry 2 survived two generations without being read")
	}
	for _, k := range []int{1, 3, 4} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("entry %d lost", k)
		}
	}
	if n := c.Len(); n > 4 {
		t.Errorf("Len = %d, more than two generations of 2", n)
	}
}

func TestNilAndDisabled(t *testing.T) {
	var c *Cache[string, int]
	c.Put("x", 1)
	if _, ok := c.Get("x"); ok || c.Len() != 0 {
		t.Error("a nil cache holds something")
	}
	if New[string, int](0) != nil {
		t.Error("New(0) should disable the cache")
	}
}

func TestConcurrent(t *testing.T) {
	c := New[int, int](64)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				k := (i * (g + 1)) % 200
				if v, ok := c.Get(k); ok && v != k*k {
					t.Errorf("Get(%d) = %d", k, v)
				}
				c.Put(k, k*k)
			}
		}()
	}
	wg.Wait()
}
