-- Each customer's login stem: the short, unique, readable prefix of its licences' logins (from its
-- name, with a number added when another customer has the same one). Logins are made of the stem
-- and the customer's own counter, so logins of different customers never collide.
ALTER TABLE customers ADD COLUMN login_stem TEXT;
CREATE UNIQUE INDEX customers_login_stem_key ON customers (login_stem);
