module offlinereset

go 1.19
