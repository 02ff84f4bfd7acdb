enum DemoTrafficPlaceholder {}
