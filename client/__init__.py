"""circlekeeper's terminal clients: facilitator console, participant terminal, CLI."""
