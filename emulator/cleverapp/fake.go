package cleverapp

import (
	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/fakedata"
)

// products are what the demo shop's lists sell.
var (
	products = []string{"Футболка oversize", "Худи на молнии", "Кроссовки беговые", "Джинсы прямые", "Кепка с логотипом",
		"Рюкзак городской", "Куртка демисезонная", "Платье летнее", "Шарф вязаный", "Носки хлопковые"}
)

// fakeVariable gives a plausible value for a variable by its name.
func fakeVariable(f *gofakeit.Faker, name string) string {
	switch name {
	case "Город", "city":
		return fakedata.City(f)
	case "Имя", "name":
		return fakedata.FirstName(f)
	case "Возраст", "age":
		return f.Numerify("##")
	}
	return f.Word()
}
