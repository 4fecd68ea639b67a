"""Match alerts for the RIEC handhavingsknelpunt (DESIGN §7): rules as data, routing, life cycle."""
