module github.com/offline-reset/offline-reset/bindings/go

go 1.19
