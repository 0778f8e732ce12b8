CREATE TABLE `components` (
	`service` text NOT NULL,
	`name` text NOT NULL,
	`image` text NOT NULL,
	`container_id` text NOT NULL,
	`container_name` text NOT NULL,
	PRIMARY KEY(`service`, `name`),
	FOREIGN KEY (`service`) REFERENCES `services`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `ports` (
	`host_port` integer PRIMARY KEY NOT NULL,
	`service` text NOT NULL,
	`component` text NOT NULL,
	`route` text NOT NULL,
	`listener_port` integer NOT NULL,
	`mode` integer NOT NULL,
	`hostname` text NOT NULL,
	`public` integer NOT NULL,
	FOREIGN KEY (`service`) REFERENCES `services`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `services` (
	`name` text PRIMARY KEY NOT NULL,
	`spec` text NOT NULL,
	`active` integer NOT NULL,
	`deployed_at` integer NOT NULL
);
