package fakebots_test

import (
	"context"
	"fmt"
	"log"

	"github.com/testcontainers/testcontainers-go"

	fakebots "github.com/fakebots/fakebots/testcontainers"
)

// A tenant of its own on a fakebots container, and the CleverApp base URL
// and token a client under test is given.
func ExampleRun() {
	ctx := context.Background()
	fake, err := fakebots.Run(ctx, "ghcr.io/your-org/fakebots:latest", fakebots.WithSeed("none"))
	defer func() {
		if err := testcontainers.TerminateContainer(fake); err != nil {
			log.Print(err)
		}
	}()
	if err != nil {
		log.Fatal(err)
	}
	tenant, err := fake.NewTenant(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tenant.CleverApp.BaseURL, tenant.CleverApp.APIToken)
}
