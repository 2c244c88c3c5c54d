"""One module per tip format; `suraksha.intake.registry` lists them."""
