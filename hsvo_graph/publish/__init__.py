"""Publishing the dataset: its catalogue record (DCAT-AP), numbered releases, licence."""
