-- One database per service: each service owns its schema and never reads another's.
CREATE DATABASE tartan_ingest;
CREATE DATABASE tartan_link;
CREATE DATABASE tartan_item;
CREATE DATABASE tartan_identity;
CREATE DATABASE tartan_beacon;
