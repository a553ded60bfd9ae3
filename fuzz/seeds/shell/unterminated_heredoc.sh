psql <<SQL
DROP TABLE users;
