"""Operations: schedule, sensors, run history and failure alerts for scheduled batch runs."""
