module example.com/helpdesk

go 1.19

require github.com/offline-reset/offline-reset/bindings/go v0.1.0

// tests/packages/run.sh points this at the unpacked module (dist/offline-reset-go-VERSION.tar.gz).
replace github.com/offline-reset/offline-reset/bindings/go => ../offline-reset-go
