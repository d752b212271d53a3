"""Demo data for `./run demo`: enterprises, users and a year of appeals created through the services."""
