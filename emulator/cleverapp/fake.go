package cleverapp

import (
	"github.com/brianvoe/gofakeit/v6"
)

// gofakeit speaks English; the platforms' users are mostly Russian, so names,
// cities and streets are drawn (by gofakeit, from its seed) from these lists.
var (
	firstNames = []string{"Иван", "Пётр", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Никита", "Ольга", "Анна", "Мария", "Елена", "Татьяна", "Наталья", "Ирина", "Светлана", "Василий", "Екатерина", "Юлия", "Артём"}
	lastNames  = []string{"Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"}
	cities     = []string{"Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Нижний Новгород", "Самара", "Краснодар"}
	streets    = []string{"Пушкина", "Ленина", "Гагарина", "Мира", "Садовая", "Тверская", "Лесная", "Школьная"}
	products   = []string{"Футболка oversize", "Худи на молнии", "Кроссовки беговые", "Джинсы прямые", "Кепка с логотипом",
		"Рюкзак городской", "Куртка демисезонная", "Платье летнее", "Шарф вязаный", "Носки хлопковые"}
)

func fakeName(f *gofakeit.Faker) string {
	first, last := f.RandomString(firstNames), f.RandomString(lastNames)
	if r := []rune(first); r[len(r)-1] == 'а' || r[len(r)-1] == 'я' {
		last += "а" // feminine surname
	}
	return first + " " + last
}

func fakePhone(f *gofakeit.Faker) string { return "79" + f.Numerify("#########") }

func fakeAddress(f *gofakeit.Faker) string {
	return "г. " + f.RandomString(cities) + ", ул. " + f.RandomString(streets) + ", д. " + f.Numerify("#")
}

// fakeVariable gives a plausible value for a variable by its name.
func fakeVariable(f *gofakeit.Faker, name string) string {
	switch name {
	case "Город", "city":
		return f.RandomString(cities)
	case "Имя", "name":
		return f.RandomString(firstNames)
	case "Возраст", "age":
		return f.Numerify("##")
	}
	return f.Word()
}
