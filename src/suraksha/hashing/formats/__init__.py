"""One module per hash-list format; `suraksha.hashing.registry` lists them."""
