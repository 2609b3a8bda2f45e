"""NetBox and the device-type library: import and export."""
