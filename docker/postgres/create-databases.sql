-- One server, one database per service (each service owns its schema; see DESIGN.md).
-- Runs once, when the postgres container initialises an empty data volume.
CREATE DATABASE order_saga_gateway;
CREATE DATABASE order_saga_orders;
CREATE DATABASE order_saga_inventory;
CREATE DATABASE order_saga_payments;
CREATE DATABASE order_saga_notifications;
