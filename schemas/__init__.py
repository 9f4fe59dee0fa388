"""pandera schemas and the validation rule catalogue for case-audit inputs."""
